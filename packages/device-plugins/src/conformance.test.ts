import { createVirtualCamera, createVirtualScanner, describeConformance, type VirtualDeviceFixture } from '@openwia/testkit';
import { EsclScannerDriver } from './escl/index.js';
import { PtpCameraDriver } from './ptp/index.js';

/*
 * The plugin conformance suite against every built-in plugin, each on its
 * virtual device. With OPENWIA_DEVICE=usb:VID:PID the same suites run on that
 * real device instead (and fail when it is not found).
 */

/** A small virtual eSCL scanner whose feeder holds enough sheets for a cancelled job and the one after it. */
function virtualScanner(): VirtualDeviceFixture {
  const scanner = createVirtualScanner({ feederSheets: 4, maxWidth: 300, maxHeight: 400, resolutions: [75, 150, 300], chunkSize: 1024 });
  const sent = new Map<string, Buffer>();
  scanner.control.on('pageSent', (_job, page, bytes) => sent.set(`Root\\Feeder\\Page${page}`, bytes));
  return { device: scanner.device, contentOf: (fullItemName) => sent.get(fullItemName) };
}

/** A virtual camera (five photos on two storages) that says which bytes each picture holds. */
function virtualCamera(): VirtualDeviceFixture {
  const camera = createVirtualCamera();
  const contentOf = (fullItemName: string): Uint8Array | undefined => {
    const filename = fullItemName.slice(fullItemName.lastIndexOf('\\') + 1);
    const object = camera.control.objects().find((o) => o.filename === filename);
    return object ? camera.control.objectBytes(object.handle) : undefined;
  };
  return { device: camera.device, contentOf };
}

describeConformance('conformance: PTP plugin (ptp) on the virtual PTP camera, first folder of pictures', {
  plugin: PtpCameraDriver,
  device: virtualCamera,
});

describeConformance('conformance: eSCL plugin (escl) on the virtual eSCL scanner, feeder', {
  plugin: EsclScannerDriver,
  item: 'Root\\Feeder',
  device: virtualScanner,
});
