import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs Debian's real eSCL client — sane-airscan under `scanimage` — against
 * a server: a private SANE config directory loads only the airscan backend,
 * with discovery off and the served scanners listed by URL.
 */

/** Why sane-airscan cannot run here, or `undefined` when it can. */
export function airscanMissing(): string | undefined {
  const hasScanimage = (process.env.PATH ?? '').split(':').some((dir) => existsSync(join(dir, 'scanimage')));
  if (!hasScanimage) return 'scanimage is not installed (apt-get install sane-utils)';
  const libDirs = ['/usr/lib/x86_64-linux-gnu/sane', '/usr/lib/aarch64-linux-gnu/sane', '/usr/lib/sane', '/usr/local/lib/sane'];
  const found = libDirs.some((dir) => existsSync(dir) && readdirSync(dir).some((f) => f.startsWith('libsane-airscan')));
  return found ? undefined : 'the sane-airscan backend is not installed (apt-get install sane-airscan)';
}

/** A SANE configuration that knows only the given eSCL scanners. */
export class AirscanConfig {
  readonly dir = mkdtempSync(join(tmpdir(), 'openwia-airscan-'));

  constructor(scanners: ReadonlyArray<{ name: string; url: string }>) {
    writeFileSync(join(this.dir, 'dll.conf'), 'airscan\n');
    const devices = scanners.map((s) => `"${s.name}" = ${s.url.replace(/\/?$/, '/')}, eSCL`).join('\n');
    writeFileSync(join(this.dir, 'airscan.conf'), `[devices]\n${devices}\n\n[options]\ndiscovery = disable\n`);
  }

  /** The SANE device name of a configured scanner (airscan numbers them in order). */
  deviceName(index: number, name: string): string {
    return `airscan:e${index}:${name}`;
  }

  /** Runs `scanimage` to the end (bounded by `timeoutMs`). */
  run(args: string[], timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile('scanimage', args, { env: this.env(), cwd: this.dir, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Starts `scanimage` and leaves it to the caller (to interrupt it). */
  start(args: string[]): ChildProcess {
    return spawn('scanimage', args, { env: this.env(), cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** A file scanimage wrote into the config directory. */
  file(name: string): Buffer {
    return readFileSync(join(this.dir, name));
  }

  exists(name: string): boolean {
    return existsSync(join(this.dir, name));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, SANE_CONFIG_DIR: this.dir, SANE_DEBUG_AIRSCAN: '0' };
  }
}

/** Width, height and channels of a binary PNM (P5/P6) whose pixel data is complete; throws otherwise. */
export function pnmGeometry(data: Buffer): { width: number; height: number; channels: number } {
  const header = /^(P[56])\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s+(\d+)\s/.exec(data.subarray(0, 200).toString('latin1'));
  if (!header) throw new Error('not a binary PNM');
  const [, magic, w, h, max] = header;
  const channels = magic === 'P6' ? 3 : 1;
  const width = Number(w), height = Number(h);
  const bytesPerSample = Number(max) > 255 ? 2 : 1;
  const pixels = data.length - header[0].length;
  if (pixels !== width * height * channels * bytesPerSample) throw new Error(`PNM data is ${pixels} bytes, expected ${width * height * channels * bytesPerSample}`);
  return { width, height, channels };
}
