import { expect } from 'chai';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsbfsBridge, createVirtualCamera, createVirtualScanner, withEmulatedUsb, type VirtualCamera } from '@openwia/testkit';
import { AirscanConfig } from '../../escl-server/dist/e2e/sane-airscan-test-support.js';
import { ServeProcess } from './commands/serve-process.test-support.js';
import { runCli, type CliRun } from './run-cli.test-support.js';

/**
 * The `openwia` command over the real USB stack: its own node-usb → libusb → usbfs path, as on hardware, with
 * the virtual camera and scanner served to it through umockdev (the command, started from here, inherits the
 * emulation's environment). Runs under umockdev-wrapper: `npm run test:usb`.
 */
describe('openwia over the real USB stack (umockdev)', function () {
  this.timeout(60_000);
  let out: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'openwia-real-usb-'));
  });

  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  const MiB = 1024 * 1024;
  const CAMERA_BULK_IN = 0x81;
  const MOVIE = 'Root\\Internal Memory\\DCIM\\100CANON\\MVI_0001.MOV';
  /** A camera with one 32 MiB movie at USB 2.0 speed: about a second to download, long enough to interrupt. */
  const movieCamera = (): VirtualCamera => createVirtualCamera({ photos: 1, largeObjects: [{ name: 'MVI_0001.MOV', size: 32 * MiB }], usb: { speed: 'usb2' } });
  const cameraId = (location: string): string => `usb:1d6b:0106@${location}`;
  const said = (run: CliRun): string => `exit ${run.code ?? run.signal}\n${run.stdout}\n${run.stderr}`;

  it('lists both devices as ready, shows their items and acquires every photo and page byte for byte', async () => {
    const camera = createVirtualCamera({ photos: 3 });
    const scanner = createVirtualScanner({ feederSheets: 2 });
    await withEmulatedUsb([camera.device, scanner.device], async (_backend, { addresses }) => {
      const list = await runCli(['--json', 'list'], { usb: true });
      expect(list.code, said(list)).to.equal(0);
      const devices = JSON.parse(list.stdout) as Array<{ id: string; status: string; plugin: string }>;
      const ids = [cameraId(addresses[0]!.location), `usb:1d6b:0e5c@${addresses[1]!.location}`];
      expect(devices.map((d) => [d.id, d.status, d.plugin]).sort()).to.deep.equal([
        [ids[0], 'ready', 'ptp'],
        [ids[1], 'ready', 'escl'],
      ].sort());

      const items = await runCli(['items', ids[0]!], { usb: true });
      expect(items.stdout, said(items)).to.match(/IMG_0001\.JPG +image/).and.match(/SD Card +storage/);

      const photos = await runCli(['acquire', ids[0]!, '--out', out], { usb: true });
      expect(photos.code, said(photos)).to.equal(0);
      for (const photo of camera.control.photos()) {
        expect(Buffer.from(await readFile(join(out, photo.filename))).equals(photo.content.read(0, photo.content.length)), photo.filename).to.equal(true);
      }

      const pages = await runCli(['acquire', ids[1]!, '--out', join(out, 'scans')], { usb: true });
      expect(pages.code, said(pages)).to.equal(0);
      const files = (await readdir(join(out, 'scans'))).sort();
      expect(files).to.deep.equal(['Page1.jpg', 'Page2.jpg']);
      for (const file of files) expect((await readFile(join(out, 'scans', file))).subarray(0, 2).toString('hex'), file).to.equal('ffd8');
    });
  });

  it('the camera unplugged mid-download: WIA_ERROR_OFFLINE, exit 1, no partial file', async () => {
    const camera = movieCamera();
    await withEmulatedUsb([camera.device], async (_backend, { addresses }) => {
      camera.device.faults.unplugAfterBytes(8 * MiB, CAMERA_BULK_IN);
      const run = await runCli(['acquire', cameraId(addresses[0]!.location), MOVIE, '--out', out], { usb: true });
      expect(run.code, said(run)).to.equal(1);
      expect(run.stdout).to.match(/MVI_0001\.MOV +failed/).and.match(/failed: WIA_ERROR_OFFLINE/);
      expect(await readdir(out)).to.deep.equal([]);
    });
  });

  it('Ctrl-C while a read waits on a camera gone silent: cancelled, the camera told (PTP Cancel Request), no partial file', async () => {
    const camera = movieCamera();
    await withEmulatedUsb([camera.device], async (_backend, { addresses }) => {
      camera.device.faults.nakAfterBytes(CAMERA_BULK_IN, 8 * MiB);
      const run = await runCli(['acquire', cameraId(addresses[0]!.location), MOVIE, '--out', out], {
        usb: true,
        signals: [{ whenTrue: () => camera.device.faults.isNaking(CAMERA_BULK_IN) }],
      });
      expect(run.signal, said(run)).to.equal('SIGINT');
      expect(run.stdout).to.match(/MVI_0001\.MOV +cancelled/).and.match(/the partial item was removed/);
      expect(await readdir(out)).to.deep.equal([]);
      expect(camera.control.stats.cancelRequests).to.have.length(1);
    });
  });

  it('killed (SIGKILL) in the middle of a download and run again: the camera resynchronises and the movie arrives whole, the killed run\'s partial file removed', async () => {
    const camera = movieCamera();
    await withEmulatedUsb([camera.device], async (_backend, { addresses }) => {
      const id = cameraId(addresses[0]!.location);
      // Killed once 4 MiB of the 32 MiB movie are on disk: the rest stays queued on the camera's bulk IN pipe.
      const partialBytes = (): number => {
        const partial = readdirSync(out).find((f) => f.endsWith('.partial'));
        return partial ? statSync(join(out, partial)).size : 0;
      };
      const killed = await runCli(['acquire', id, MOVIE, '--out', out], { usb: true, signals: [{ whenTrue: () => partialBytes() > 4 * MiB, signal: 'SIGKILL' }] });
      expect(killed.signal, said(killed)).to.equal('SIGKILL');

      const again = await runCli(['acquire', id, MOVIE, '--out', out], { usb: true });
      expect(again.code, said(again)).to.equal(0);
      expect(again.stderr).to.match(/removed 1 partial file\(s\) left by an earlier run that was killed/);
      const movie = camera.control.object('MVI_0001.MOV');
      expect(Buffer.from(await readFile(join(out, 'MVI_0001.MOV'))).equals(Buffer.from(camera.control.objectBytes(movie.handle)))).to.equal(true);
      expect(await readdir(out)).to.deep.equal(['MVI_0001.MOV']);
    });
  });

  it('a camera that goes silent mid-download: the read times out, typed, and the command exits 1 with no partial file', async () => {
    const camera = movieCamera();
    await withEmulatedUsb([camera.device], async (_backend, { addresses }) => {
      camera.device.faults.nakAfterBytes(CAMERA_BULK_IN, 8 * MiB);
      const started = performance.now();
      const run = await runCli(['acquire', cameraId(addresses[0]!.location), MOVIE, '--out', out], { usb: true });
      expect(run.code, said(run)).to.equal(1);
      expect(run.stdout).to.match(/failed: WIA_ERROR_DEVICE_COMMUNICATION: USB transfer on endpoint 0x81 timed out after 15000 ms/);
      expect(await readdir(out)).to.deep.equal([]);
      // The plugin's 15 s bound, kept by the transport's own timer (libusb's own would fire up to a minute late).
      expect(performance.now() - started).to.be.below(40_000);
    });
  });

  it('Ctrl-C while the feeder scans the next page keeps the pages already acquired', async () => {
    // Each page takes 2 s to scan before its data flows; Ctrl-C lands 300 ms after page 1 was sent (the host has
    // read its last bytes by then), while page 2 is being scanned.
    const scanner = createVirtualScanner({ feederSheets: 5, scanDelayMs: 2000, usb: { speed: 'usb2' } });
    let page1SentAt: number | undefined;
    scanner.control.on('pageSent', (_job, page) => {
      if (page === 1) page1SentAt = performance.now();
    });
    const page2Scanning = (): boolean => page1SentAt !== undefined && performance.now() - page1SentAt > 300;
    await withEmulatedUsb([scanner.device], async (_backend, { addresses }) => {
      const run = await runCli(['acquire', `usb:1d6b:0e5c@${addresses[0]!.location}`, '--out', out], { usb: true, signals: [{ whenTrue: page2Scanning }] });
      expect(run.signal, said(run)).to.equal('SIGINT');
      expect(run.stdout).to.match(/cancelled: kept 1 item/);
      expect(await readdir(out)).to.deep.equal(['Page1.jpg']);
    });
  });

  it('openwia serve follows its scanner: unplugged mid-job it is Stopped and refuses jobs; plugged back into its port, sane-airscan scans through the same URL', async () => {
    const scanner = createVirtualScanner({ feederSheets: 20, scanDelayMs: 300, usb: { speed: 'usb2' } });
    let pageSent = false;
    scanner.control.on('pageSent', () => (pageSent = true));
    await withEmulatedUsb([scanner.device], async (_backend, { addresses, unplug }) => {
      const location = addresses[0]!.location;
      const { serve, origin } = await ServeProcess.start([], { usb: true });
      const url = `${origin}/usb-1d6b-0e5c-${location}/eSCL`;
      const sane = new AirscanConfig([{ name: 'Served', url }]);
      try {
        const batch = sane.start(['-d', sane.deviceName(0, 'Served'), '--source', 'ADF', '--format=pnm', '--batch=page%d.pnm']);
        const batchEnded = new Promise<number | null>((resolve) => batch.once('exit', resolve));
        while (!pageSent) await new Promise((resolve) => setTimeout(resolve, 10));
        await unplug(0);
        expect(await batchEnded, serve.output).to.not.equal(0);
        await serve.waitFor(/unplugged; served again when plugged back in/);
        expect(serve.output).to.match(/Aborted, \d+ page\(s\) scanned \(WIA_ERROR_OFFLINE/);
        expect(await (await fetch(`${url}/ScannerStatus`)).text()).to.contain('<pwg:State>Stopped</pwg:State>');
        expect((await fetch(`${url}/ScanJobs`, { method: 'POST', body: '<x/>' })).status).to.equal(503);

        // The scanner, power-cycled, plugged back into the same port.
        const again = createVirtualScanner({ usb: { speed: 'usb2' } });
        await (await UsbfsBridge.get()).plug(again.device, { port: Number(location.split('-')[1]) });
        expect((await serve.waitFor(/plugged back in, served again at (\S+)/))[1]).to.equal(url);
        const flatbed = await sane.run(['-d', sane.deviceName(0, 'Served'), '--source', 'Flatbed', '-x', '20', '-y', '20', '--format=pnm', '-o', 'after.pnm']);
        expect(flatbed.code, flatbed.stderr).to.equal(0);
        expect(sane.file('after.pnm').subarray(0, 2).toString()).to.match(/^P[56]/);
      } finally {
        sane.remove();
        expect(await serve.stop()).to.equal(0);
      }
    });
  });
});
