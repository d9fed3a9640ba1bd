import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createVirtualScanner } from '../virtual-scanner/index.js';
import { withEmulatedUsb } from './with-emulated-usb.js';

/*
 * The chain a Linux user runs for a USB scanner, none of it ours but the
 * device: scanimage → sane-airscan → HTTP → ipp-usb → libusb → usbfs
 * (umockdev) → the bridge → the virtual scanner. Runs under `npm run test:usb`.
 */

const IPP_USB = '/usr/sbin/ipp-usb';
/** Ports our ipp-usb may take: away from the 60000 a system ipp-usb starts at. */
const PORTS = { min: 60100, max: 60199 };
const SCANNER_NAME = 'OpenWIA Virtual Scanner';

/**
 * ipp-usb 0.9 reads `ipp-usb.conf` beside its executable after /etc's, so a
 * copy of the binary in a scratch folder runs with our settings: no DNS-SD
 * (no avahi here), loopback only. Its lock, control socket and logs have fixed
 * paths under /var, which is why it needs root.
 */
async function ippUsbBinary(dir: string): Promise<string> {
  const binary = path.join(dir, 'ipp-usb');
  await copyFile(IPP_USB, binary);
  const conf = ['[network]', `  http-min-port = ${PORTS.min}`, `  http-max-port = ${PORTS.max}`, '  dns-sd = disable', '  interface = loopback', '  ipv6 = disable'];
  await writeFile(path.join(dir, 'ipp-usb.conf'), [...conf, '[logging]', '  console-log = debug', '  console-color = disable', ''].join('\n'));
  return binary;
}

/** Starts ipp-usb in this process's testbed and resolves with the port it serves the scanner's eSCL on, once it answered there. */
function startIppUsb(binary: string): { child: ChildProcess; port: Promise<number>; log: () => string } {
  const child = spawn(binary, ['debug'], { env: process.env });
  let log = '';
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ipp-usb did not serve the scanner within 30 s:\n${log}`)), 30_000);
    const onData = (d: Buffer): void => {
      log += d.toString();
      const served = /GET http:\/\/localhost:(\d+)\/eSCL\/ScannerCapabilities - 200/.exec(log);
      if (served) {
        clearTimeout(timer);
        resolve(Number(served[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ipp-usb exited (${code}) before it served the scanner:\n${log}`));
    });
  });
  port.catch(() => undefined);
  return { child, port, log: () => log };
}

/** Runs scanimage with a SANE configuration of its own: only airscan, one device at `url`, no discovery. */
async function scanimage(configDir: string, args: string[]): Promise<{ code: number | null; out: string }> {
  // scanimage talks HTTP only: it runs without umockdev's preload.
  const { LD_PRELOAD: _preload, UMOCKDEV_DIR: _dir, ...env } = process.env;
  const child = spawn('scanimage', args, { env: { ...env, SANE_CONFIG_DIR: configDir } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, out };
}

/** Width and height of a PNG file (its IHDR chunk). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1'), 'a PNG file').to.equal('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('real USB stack: ipp-usb and sane-airscan scan from the virtual scanner', function () {
  this.timeout(120_000);

  before(function () {
    const missing = [IPP_USB, 'scanimage'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
    const why = missing.length > 0 ? `${missing.join(' and ')} not installed (apt-get install -y ipp-usb sane-utils sane-airscan)` : process.getuid?.() !== 0 ? 'ipp-usb 0.9 needs root for its lock and logs under /var' : undefined;
    if (why && process.env['OPENWIA_REQUIRE_REAL_USB']) throw new Error(`required by OPENWIA_REQUIRE_REAL_USB but cannot run: ${why}`);
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  it('ipp-usb serves the scanner over libusb; scanimage -d airscan scans a colour page at 75 dpi through it', async () => {
    const scanner = createVirtualScanner({ maxWidth: 300, maxHeight: 400, resolutions: [75, 150, 300] });
    const dir = await mkdtemp(path.join(tmpdir(), 'openwia-ipp-usb-'));
    let ippUsb: ReturnType<typeof startIppUsb> | undefined;
    try {
      await withEmulatedUsb([scanner.device], async () => {
        ippUsb = startIppUsb(await ippUsbBinary(dir));
        const port = await ippUsb.port;
        const sane = path.join(dir, 'sane.d');
        await mkdir(sane);
        await writeFile(path.join(sane, 'dll.conf'), 'airscan\n');
        await writeFile(path.join(sane, 'airscan.conf'), `[devices]\n"${SCANNER_NAME}" = http://localhost:${port}/eSCL\n[options]\ndiscovery = disable\n`);

        const listed = await scanimage(sane, ['-L']);
        expect(listed.out, listed.out).to.include(`airscan:e0:${SCANNER_NAME}`);
        const output = path.join(dir, 'page.png');
        const scanned = await scanimage(sane, ['-d', `airscan:e0:${SCANNER_NAME}`, '--resolution', '75', '--mode', 'Color', '--format=png', '-o', output]);
        expect(scanned.code, `${scanned.out}\nipp-usb:\n${ippUsb.log().slice(-3000)}`).to.equal(0);
        // 300 × 400 in 1/300 inch at 75 dpi.
        expect(pngSize(await readFile(output))).to.deep.equal({ width: 75, height: 100 });
        expect(scanner.control.jobs.map((j) => j.state), 'one job, completed on the device').to.deep.equal(['Completed']);
      });
    } finally {
      ippUsb?.child.kill('SIGTERM');
      if (ippUsb && ippUsb.child.exitCode === null) await new Promise((resolve) => ippUsb!.child.once('exit', resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
