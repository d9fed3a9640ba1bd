import { createVirtualScanner, describeConformance, type VirtualDeviceFixture } from '@openwia/testkit';
import { EsclScannerDriver } from './escl/index.js';

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

describeConformance('conformance: eSCL plugin (escl) on the virtual eSCL scanner, feeder', {
  plugin: EsclScannerDriver,
  item: 'Root\\Feeder',
  device: virtualScanner,
});
