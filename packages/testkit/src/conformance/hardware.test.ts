import { expect } from 'chai';
import { SimulatedUsbBus } from '../usb/index.js';
import { createFileStoreDevice } from './fixtures/file-store-device.js';
import fileStore from './fixtures/targets.js';
import { parseHardwareSpec } from './device-under-test.js';
import { runConformance } from './run-conformance.js';
import { OPENWIA_DEVICE_ENV, type ConformanceTarget } from './target.js';

/** The file-store target, counting how often the suite asked it for a virtual device. */
function countingTarget(): { target: ConformanceTarget; made: () => number } {
  let made = 0;
  const target: ConformanceTarget = {
    ...fileStore,
    device: () => {
      made++;
      return createFileStoreDevice();
    },
  };
  return { target, made: () => made };
}

describe('runConformance on real hardware (OPENWIA_DEVICE)', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env[OPENWIA_DEVICE_ENV];
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[OPENWIA_DEVICE_ENV];
    else process.env[OPENWIA_DEVICE_ENV] = saved;
  });

  it('fails every rule with "device usb:… not found" when the named device is not on the bus (never passes vacuously)', async () => {
    process.env[OPENWIA_DEVICE_ENV] = 'usb:04a9:1234';
    const { target, made } = countingTarget();
    const report = await runConformance(target);
    expect(report.passed).to.equal(false);
    expect(report.hardware).to.equal(true);
    for (const rule of report.rules) {
      expect(rule.passed, rule.id).to.equal(false);
      expect(rule.why, rule.id).to.match(/^device usb:04a9:1234 not found/);
    }
    expect(report.latency.cancelToSettled).to.equal(undefined);
    expect(made(), 'the virtual device is not used instead').to.equal(0);
  });

  it('says so when OPENWIA_DEVICE is not a device name', async () => {
    const report = await runConformance(fileStore, { hardware: 'canon' });
    expect(report.rules[0]!.why).to.equal('"canon" does not name a USB device: write usb:VID:PID or usb:VID:PID@location (hex ids, e.g. usb:04a9:1234)');
    expect(report.rules.every((r) => !r.passed)).to.equal(true);
  });

  it('parses usb:VID:PID with an optional @location', () => {
    expect(parseHardwareSpec('usb:04A9:1234')).to.deep.equal({ vendorId: 0x04a9, productId: 0x1234, text: 'usb:04A9:1234' });
    expect(parseHardwareSpec('usb:4a9:1234@1-4.2')).to.include({ location: '1-4.2', vendorId: 0x04a9 });
  });

  describe('through a USB backend (here the simulated bus standing in for node-usb)', () => {
    it('runs the unchanged suite on the named device, found by VID:PID', async () => {
      const bus = new SimulatedUsbBus();
      const store = createFileStoreDevice();
      bus.attach(store.device);
      const { target, made } = countingTarget();
      const report = await runConformance(target, { hardware: 'usb:1d6b:0104', usbBackend: async () => bus, latencyRuns: 3 });
      expect(report.rules.filter((r) => !r.passed), JSON.stringify(report.rules, null, 1)).to.deep.equal([]);
      expect(report.device).to.equal(`usb:1d6b:0104@${store.device.descriptor.location} (Conformance file store)`);
      expect(report.rules.find((r) => r.id === 'transfer-complete')!.why).to.include('content not compared');
      expect(report.rules.find((r) => r.id === 'cancel-mid-read')!.why).to.match(/bulk IN read\(s\) in flight \(0x81\);/);
      expect(made()).to.equal(0);
      expect(store.device.claimedInterfaces).to.deep.equal([]);
    });

    it('fails with "not found" when no device on the bus has that VID:PID, or not at that location', async () => {
      const bus = new SimulatedUsbBus();
      bus.attach(createFileStoreDevice().device);
      const elsewhere = await runConformance(fileStore, { hardware: 'usb:1d6b:0104@9-9', usbBackend: async () => bus });
      expect(elsewhere.rules[0]!.why).to.equal('device usb:1d6b:0104@9-9 not found (1 USB device(s) on the bus, none is 1d6b:0104 at 9-9)');
      const other = await runConformance(fileStore, { hardware: 'usb:04a9:1234', usbBackend: async () => bus });
      expect(other.rules.every((r) => !r.passed && r.why.startsWith('device usb:04a9:1234 not found'))).to.equal(true);
    });

    it('fails with the reason when the device is there but may not be opened', async () => {
      const bus = new SimulatedUsbBus();
      bus.attach(createFileStoreDevice([1000, 1000], { inaccessibleReason: 'no udev rule grants access' }).device);
      const report = await runConformance(fileStore, { hardware: 'usb:1d6b:0104', usbBackend: async () => bus });
      expect(report.rules[0]!.why).to.equal('device usb:1d6b:0104 found but not accessible: no udev rule grants access');
    });

    it('fails with "not found" when the USB backend cannot be loaded', async () => {
      const report = await runConformance(fileStore, { hardware: 'usb:1d6b:0104', usbBackend: () => Promise.reject(new Error('libusb missing')) });
      expect(report.rules[0]!.why).to.equal('device usb:1d6b:0104 not found: the USB backend is unavailable (libusb missing)');
    });
  });
});
