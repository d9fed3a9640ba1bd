import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsbAccessError, UsbStallError, UsbTimeoutError, UsbTransferAbortedError, WIA_ERROR_OFFLINE, WiaError, type UsbDeviceInfo } from '@openwia/core';
import { EXAMPLE_ENDPOINTS, createExampleBulkDevice, createLoopbackDevice } from '../usb/example-device.js';
import { createVirtualCamera } from '../virtual-camera/index.js';
import { createVirtualScanner } from '../virtual-scanner/index.js';
import { withEmulatedUsb } from './with-emulated-usb.js';
import { rejectionOf } from '../assertions/index.js';

/*
 * What only the real stack shows: node-usb → libusb → usbfs ioctls → umockdev
 * → the bridge → the simulated device. Runs under `npm run test:usb`.
 */

/** Runs a real program (gphoto2, lsusb) in the testbed: it inherits LD_PRELOAD and UMOCKDEV_DIR. Async: this process serves its URBs. */
function run(command: string, args: string[], cwd?: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: process.env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/**
 * A libusb program of its own (node-usb in a child process) that claims interface 0 of the device at
 * `bus address`, submits a bulk IN read, says so, and stops itself (SIGSTOP): whatever its read gets stays
 * unreaped until the test kills it.
 */
const READ_THEN_STOP = `
import { getDeviceList } from 'usb';
const [bus, address] = process.argv.slice(-2).map(Number);
const device = getDeviceList().find((d) => d.busNumber === bus && d.deviceAddress === address);
device.open();
device.interface(0).claim();
device.interface(0).endpoint(0x81).transfer(512, () => undefined);
process.stdout.write('submitted\\n');
process.kill(process.pid, 'SIGSTOP');
`;

/** Resolves when `check` holds, polling every 10 ms; rejects with `what` after `ms`. */
async function eventually(check: () => boolean, what: string, ms = 5000): Promise<void> {
  for (const deadline = Date.now() + ms; !check(); ) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const VENDOR_REQUEST = { requestType: 'vendor', recipient: 'device', request: 0x42, value: 0, index: 0 } as const;

describe('real USB stack: NodeUsbBackend over usbfs (umockdev)', function () {
  this.timeout(60_000);

  it('a 300 ms timeout on an idle device rejects as UsbTimeoutError within a few hundred ms (libusb alone took 60 s)', async () => {
    await withEmulatedUsb([createLoopbackDevice()], async (backend, { addresses }) => {
      const usb = await backend.open(addresses[0]!.location);
      await usb.claimInterface(0);
      // Idle first, so that libusb's event thread sleeps in poll() with its 60 s default, as on an idle device.
      await new Promise((r) => setTimeout(r, 200));
      const started = performance.now();
      const err = await rejectionOf(usb.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 512, { timeoutMs: 300 }));
      const elapsed = performance.now() - started;
      expect(err).to.be.instanceOf(UsbTimeoutError);
      // Bounded loosely (a shared CI machine); the bench measures the figure.
      expect(elapsed).to.be.below(3000);
      await usb.close();
    });
  });

  it('reads descriptors and strings from the simulated device through libusb', async () => {
    const camera = createVirtualCamera();
    await withEmulatedUsb([camera.device], async (backend, { addresses }) => {
      const listed = (await backend.list()).find((d: UsbDeviceInfo) => d.descriptor.location === addresses[0]!.location)!;
      const { location: _ignored, ...expected } = camera.device.descriptor;
      const { location: _l, ...seen } = listed.descriptor;
      expect(seen).to.deep.equal(expected);
    });
  });

  it('cancel of a control transfer the device never answers settles it as aborted; the next control transfer works', async () => {
    const device = createExampleBulkDevice();
    let calls = 0;
    device.onControl(() => (++calls === 1 ? new Promise<Uint8Array>(() => undefined) : Uint8Array.of(7, 7)));
    await withEmulatedUsb([device], async (backend, { addresses }) => {
      const usb = await backend.open(addresses[0]!.location);
      const controller = new AbortController();
      const pending = usb.controlTransferIn(VENDOR_REQUEST, 2, { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      expect(await rejectionOf(pending)).to.be.instanceOf(UsbTransferAbortedError);
      expect(await usb.controlTransferIn(VENDOR_REQUEST, 2)).to.deep.equal(Uint8Array.of(7, 7));
      await usb.close();
    });
  });

  it('a control request the device refuses is a stall (-EPIPE → UsbStallError)', async () => {
    await withEmulatedUsb([createExampleBulkDevice()], async (backend, { addresses }) => {
      const usb = await backend.open(addresses[0]!.location);
      expect(await rejectionOf(usb.controlTransferIn(VENDOR_REQUEST, 2))).to.be.instanceOf(UsbStallError);
      await usb.close();
    });
  });

  it('close() with reads in flight on two endpoints cancels them, settles, and releases the interface on the device', async () => {
    const device = createExampleBulkDevice();
    await withEmulatedUsb([device], async (backend, { addresses }) => {
      const usb = await backend.open(addresses[0]!.location);
      await usb.claimInterface(0);
      const reads = [usb.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 512), usb.transferIn(EXAMPLE_ENDPOINTS.interruptIn, 64)].map((read) => rejectionOf(read));
      await new Promise((r) => setTimeout(r, 20));
      await usb.close();
      for (const err of await Promise.all(reads)) expect(err).to.be.instanceOf(UsbTransferAbortedError);
    });
    expect(device.claimedInterfaces).to.deep.equal([]);
  });

  it('a device that vanishes between listing and open fails the open with WIA_ERROR_OFFLINE', async () => {
    await withEmulatedUsb([createExampleBulkDevice()], async (backend, { addresses, unplug }) => {
      await unplug(0);
      for (let i = 0; i < 200 && (await backend.list()).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
      const err = await rejectionOf(backend.open(addresses[0]!.location));
      expect((err as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    });
  });

  it('plugged, listed, opened and unplugged 30 times: no file descriptor is left behind', async () => {
    // Each usbfs open is a descriptor: a probe that overlapped another (node-usb keeps one handle per device,
    // so the second close failed) or an open racing the device node's creation used to leak one per plug.
    const openDescriptors = async (): Promise<number> => (await readdir('/proc/self/fd')).length;
    let before = 0;
    for (let i = 0; i <= 30; i++) {
      if (i === 1) before = await openDescriptors(); // after the first round has started the relay and libusb
      const device = createExampleBulkDevice();
      await withEmulatedUsb([device], async (backend, { addresses }) => {
        const [, usb] = await Promise.all([backend.list(), backend.open(addresses[0]!.location)]);
        await usb.claimInterface(0);
        const read = rejectionOf(usb.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 512));
        device.unplug();
        await Promise.all([read, backend.list()]);
        await usb.close();
      });
    }
    expect(await openDescriptors()).to.be.at.most(before + 2);
  });

  it('an interface a kernel driver holds (usblp) is claimed by detaching the driver, and the driver is bound again on close', async () => {
    const device = createExampleBulkDevice();
    device.onOut(EXAMPLE_ENDPOINTS.bulkOut, (data) => void device.writeIn(EXAMPLE_ENDPOINTS.bulkIn, data));
    await withEmulatedUsb([{ device, kernelDrivers: { 0: 'usblp' } }], async (backend, { addresses, kernelDriver }) => {
      const usb = await backend.open(addresses[0]!.location);
      expect(await kernelDriver(0, 0)).to.equal('usblp');
      await usb.claimInterface(0);
      expect(await kernelDriver(0, 0), 'detached by the claim').to.equal(undefined);
      await usb.transferOut(EXAMPLE_ENDPOINTS.bulkOut, Uint8Array.of(1, 2, 3));
      expect(await usb.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 512)).to.deep.equal(Uint8Array.of(1, 2, 3));
      await usb.close();
      expect(await kernelDriver(0, 0), 'bound again when the interface was released').to.equal('usblp');
    });
  });

  it('an interface another program has claimed fails the claim with a typed busy error that names the usual culprits', async () => {
    await withEmulatedUsb([{ device: createExampleBulkDevice(), kernelDrivers: { 0: 'usbfs' } }], async (backend, { addresses, kernelDriver }) => {
      const usb = await backend.open(addresses[0]!.location);
      const err = await rejectionOf(usb.claimInterface(0));
      expect(err).to.be.instanceOf(UsbAccessError);
      expect((err as UsbAccessError).message).to.match(/busy/);
      expect((err as UsbAccessError).hint).to.match(/ipp-usb|gphoto2/);
      expect(await kernelDriver(0, 0), 'another program\'s claim is never broken').to.equal('usbfs');
      await usb.close();
    });
  });

  it('unplug mid-read: the read fails with WIA_ERROR_OFFLINE and libusb hotplug reports the detach', async () => {
    const device = createExampleBulkDevice();
    await withEmulatedUsb([device], async (backend, { addresses }) => {
      const detached = new Promise<string>((resolve) => backend.events.on('detach', (info) => resolve(info.descriptor.location)));
      const usb = await backend.open(addresses[0]!.location);
      await usb.claimInterface(0);
      const read = rejectionOf(usb.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 512));
      await new Promise((r) => setTimeout(r, 20));
      device.unplug();
      expect(((await read) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
      expect(await detached).to.equal(addresses[0]!.location);
      expect(((await rejectionOf(usb.transferOut(EXAMPLE_ENDPOINTS.bulkOut, Uint8Array.of(1)))) as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
      await usb.close();
    });
  });

  it('lsusb -v shows both virtual devices with their descriptors and strings', async () => {
    const camera = createVirtualCamera();
    const scanner = createVirtualScanner();
    await withEmulatedUsb([camera.device, scanner.device], async (_backend, { addresses }) => {
      const cam = await run('lsusb', ['-v', '-s', `${addresses[0]!.busNumber}:${addresses[0]!.deviceNumber}`]);
      expect(cam.out).to.match(/idVendor\s+0x1d6b/).and.match(/iProduct\s+2 Virtual PTP Camera/).and.match(/bInterfaceClass\s+6 Imaging/);
      const scan = await run('lsusb', ['-v', '-s', `${addresses[1]!.busNumber}:${addresses[1]!.deviceNumber}`]);
      expect(scan.out).to.match(/iProduct\s+2 OpenWIA Virtual Scanner/).and.match(/bInterfaceClass\s+7 Printer/).and.match(/bInterfaceProtocol\s+4/);
    });
  });

  it('a program killed with a completed read it never reaped leaves nothing behind: its claim is released and the next program reads its own bytes', async () => {
    // The kernel frees a closed usbfs file's URBs. The relay once kept them, and handed the dead program's
    // URB to the next program's REAPURB, which then never returned (gphoto2 hung after one that had exited
    // with cancelled URBs not yet reaped).
    const device = createLoopbackDevice();
    await withEmulatedUsb([device], async (backend, { addresses }) => {
      const { busNumber, deviceNumber } = addresses[0]!;
      const program = spawn(process.execPath, ['--input-type=module', '-e', READ_THEN_STOP, String(busNumber), String(deviceNumber)], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<void>((resolve) => program.once('exit', () => resolve()));
      try {
        await new Promise<void>((resolve, reject) => {
          program.stdout.on('data', (d: Buffer) => d.toString().includes('submitted') && resolve());
          program.once('exit', (code) => reject(new Error(`the libusb program exited (${code}) before submitting its read`)));
        });
        expect(device.claimedInterfaces).to.deep.equal([0]);
        await device.writeIn(EXAMPLE_ENDPOINTS.bulkIn, Uint8Array.of(9, 9, 9));
        await eventually(() => device.queuedIn(EXAMPLE_ENDPOINTS.bulkIn) === 0, 'the stopped program\'s read taking the bytes');
      } finally {
        program.kill('SIGKILL');
        await exited;
      }
      await eventually(() => device.claimedInterfaces.length === 0, 'the release of the killed program\'s claim');
      const usb = await backend.open(addresses[0]!.location);
      await usb.claimInterface(0);
      await usb.transferOut(EXAMPLE_ENDPOINTS.bulkOut, Uint8Array.of(1, 2, 3));
      expect(await usb.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 512, { timeoutMs: 5000 })).to.deep.equal(Uint8Array.of(1, 2, 3));
      await usb.close();
    });
  });

  it('gphoto2 detects the virtual camera, lists every photo and downloads each byte-identical to what the camera holds', async () => {
    const camera = createVirtualCamera();
    const dir = await mkdtemp(path.join(tmpdir(), 'openwia-gphoto2-'));
    try {
      await withEmulatedUsb([camera.device], async (_backend, { addresses }) => {
        const port = `usb:${String(addresses[0]!.busNumber).padStart(3, '0')},${String(addresses[0]!.deviceNumber).padStart(3, '0')}`;
        const detect = await run('gphoto2', ['--auto-detect']);
        expect(detect.out, `gphoto2 --auto-detect said:\n${detect.out}`).to.include(port);
        const listing = await run('gphoto2', ['--port', port, '--list-files']);
        const objects = camera.control.objects();
        for (const o of objects) expect(listing.out, `gphoto2 --list-files said:\n${listing.out}`).to.include(o.filename);
        const got = await run('gphoto2', ['--port', port, '--get-all-files'], dir);
        expect(got.code, got.out).to.equal(0);
        expect((await readdir(dir)).sort()).to.deep.equal(objects.map((o) => o.filename).sort());
        for (const o of objects) {
          expect(Buffer.from(await readFile(path.join(dir, o.filename))).equals(Buffer.from(camera.control.objectBytes(o.handle))), o.filename).to.equal(true);
        }
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
