import { expect } from 'chai';
import { S_OK, UsbTransferAbortedError, WIA_ERROR_BUSY, WIA_ERROR_DEVICE_COMMUNICATION, WiaDevice, WiaError } from '@openwia/core';
import { createVirtualScanner, deviceTimeScale, type SimulatedUsbDevice, type VirtualScanner } from '@openwia/testkit';
import { EsclScannerDriver } from './escl-scanner-driver.js';
import { recordingApp } from './escl-test-support.js';
import { EsclClient } from './escl-client.js';
import { IppUsbClient } from './ipp-usb/ipp-usb-client.js';
import { DEFAULT_STALE_PROBE_MS, StaleInputError, discardStaleInput } from './ipp-usb/stale-input.js';
import { DEFAULT_DRAIN_DEADLINE_MS } from './ipp-usb/ipp-usb-client.js';

const FLATBED = 'Root\\Flatbed';
const JPEG_START = Buffer.from([0xff, 0xd8]);
/** The virtual scanner's first IPP-USB interface's bulk IN endpoint. */
const FIRST_IN = 0x81;

/** A session of the plugin on its own transport of `scanner`, as one process would open it. */
async function openSession(scanner: VirtualScanner): Promise<{ device: WiaDevice; driver: EsclScannerDriver; transport: ReturnType<SimulatedUsbDevice['createTransport']> }> {
  const transport = scanner.device.createTransport();
  const driver = new EsclScannerDriver(transport);
  driver.ioOptions = { drainDeadlineMs: DEFAULT_DRAIN_DEADLINE_MS * deviceTimeScale(), staleProbeMs: DEFAULT_STALE_PROBE_MS * deviceTimeScale() };
  driver.retryPolicy = { initialDelayMs: 5, maxDelayMs: 10, attempts: 3 };
  const device = await WiaDevice.open(driver, { deviceId: 'sim:escl' });
  return { device, driver, transport };
}

/**
 * What a process that dies in the middle of a page leaves behind: its job
 * running on the scanner and the rest of the page queued on the bulk IN
 * endpoint. It reads the page's head and a first chunk, then the kernel lets
 * go of its handle: nothing more is read, nothing deleted.
 */
async function dieMidPage(scanner: VirtualScanner): Promise<void> {
  const transport = scanner.device.createTransport();
  await transport.open();
  await transport.claimInterface(0);
  const pipes = { interfaceNumber: 0, inEndpoint: FIRST_IN, outEndpoint: 0x01, maxPacketSize: 512 };
  const escl = new EsclClient(new IppUsbClient(transport, [pipes]));
  const signal = new AbortController().signal;
  const settings = { inputSource: 'Platen', duplex: false, colorMode: 'RGB24', resolution: 300, documentFormat: 'image/jpeg', region: { x: 0, y: 0, width: 1200, height: 1600 } } as const;
  const job = await escl.createJob(settings, signal);
  const page = await escl.nextDocument(job, signal);
  expect(await page!.read(new Uint8Array(4096), signal)).to.be.greaterThan(0);
  await transport.close();
}

describe('eSCL over IPP-USB: what an earlier session left on the interface', () => {
  it('a session opened after the last one died in the middle of a page discards the rest of that page, and scans once the scanner ended the orphaned job (it read the page as its own reply: "Expected HTTP/")', async () => {
    // One interface, so that the second session must use the one the first left dirty.
    const scanner = createVirtualScanner({ maxWidth: 1200, maxHeight: 1600, resolutions: [150, 300], interfaces: 1, chunkSize: 4096 });
    await dieMidPage(scanner);
    const orphan = scanner.control.jobs[0]!;
    expect(orphan.state).to.equal('Processing');

    // The second session opens: reading the capabilities got past the dead session's bytes.
    const second = await openSession(scanner);
    try {
      // The dead session's job still holds the scanner: a typed busy.
      const busy = await second.device.createTransfer(FLATBED).transfer('download', 0, recordingApp().app);
      expect(busy.error?.hresult).to.equal(WIA_ERROR_BUSY);
      expect(busy.error?.message).to.equal('the scanner is busy with another job');
      // The scanner ends the job its client abandoned (its own timeout), and the next scan works.
      scanner.control.endJob(orphan, 'Aborted', 'JobTimedOut');
      const { app, recorded } = recordingApp();
      expect(await second.device.createTransfer(FLATBED).Download(0, app)).to.equal(S_OK);
      const page = recorded.pages.get('Flatbed')!.bytes;
      expect(page.subarray(0, 2).equals(JPEG_START)).to.equal(true);
      expect(second.driver.retiredInterfaces).to.deep.equal([]);
    } finally {
      await second.device.close();
    }
  });

  it('discardStaleInput reads an interface until it stays silent and says how much it threw away', async () => {
    const scanner = createVirtualScanner({ interfaces: 1 });
    const transport = scanner.device.createTransport();
    await transport.open();
    await transport.claimInterface(0);
    try {
      const stale = Buffer.alloc(100_000, 0x5a);
      const consumed = scanner.device.writeIn(FIRST_IN, stale);
      const pipes = { interfaceNumber: 0, inEndpoint: FIRST_IN, outEndpoint: 0x01, maxPacketSize: 512 };
      const limits = { deadlineMs: 5000 * deviceTimeScale(), budgetBytes: 1 << 20, probeMs: DEFAULT_STALE_PROBE_MS * deviceTimeScale() };
      expect(await discardStaleInput(transport, pipes, limits)).to.equal(stale.length);
      await consumed;
      // A clean interface costs one silent probe and discards nothing.
      expect(await discardStaleInput(transport, pipes, limits)).to.equal(0);
    } finally {
      await transport.close();
    }
  });

  it('an interface that keeps sending past the budget is a StaleInputError (WIA_ERROR_DEVICE_COMMUNICATION) that says what to do', async () => {
    const { device } = createVirtualScanner({ interfaces: 1 });
    // A page of the dead session still being scanned: the device never runs dry.
    let sending = true;
    void (async () => {
      while (sending) await device.writeIn(FIRST_IN, new Uint8Array(8192), { endOfTransfer: false }).catch(() => (sending = false));
    })();
    const transport = device.createTransport();
    await transport.open();
    await transport.claimInterface(0);
    try {
      const pipes = { interfaceNumber: 0, inEndpoint: 0x81, outEndpoint: 0x01, maxPacketSize: 512 };
      const failure = await discardStaleInput(transport, pipes, { deadlineMs: 60_000, budgetBytes: 256 * 1024 }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).to.be.instanceOf(StaleInputError);
      expect((failure as WiaError).hresult).to.equal(WIA_ERROR_DEVICE_COMMUNICATION);
      expect((failure as Error).message).to.match(/^IPP-USB interface 0 still sends data of an earlier session after 262144 bytes \(\d+ bytes discarded\): let the scanner finish, or power it off and on$/);

      // An abort ends the discarding at once, as itself.
      const controller = new AbortController();
      controller.abort();
      const aborted = await discardStaleInput(transport, pipes, { deadlineMs: 60_000, budgetBytes: 1 << 30, signal: controller.signal }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(aborted).to.be.instanceOf(UsbTransferAbortedError);
    } finally {
      sending = false;
      device.clearIn(FIRST_IN);
      await transport.close();
    }
  });
});
