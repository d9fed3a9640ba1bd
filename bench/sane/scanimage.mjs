// The SANE side: Debian's `scanimage` with the `test` backend, which is what a
// Linux user would run instead of `openwia acquire`. Its feeder
// ("Automatic Document Feeder") holds 10 sheets; --read-delay pauses after
// every buffer it moves through its pipe.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directoryBytes, sigintRun, timedRun } from './processes.mjs';

/** Pages the test backend's feeder holds. */
export const SANE_TEST_FEEDER_SHEETS = 10;
const RESOLUTION = 300;
/** scanimage's exit status after a cancelled scan. */
const SANE_STATUS_CANCELLED = 2;
/**
 * scanimage exits with the SANE status that ended its scan: the names of those a SIGINT can
 * end with. The test backend often answers a cancel that lands in a read delay with
 * SANE_STATUS_IO_ERROR ("sane_read: Error during device I/O") rather than CANCELLED.
 */
const SANE_STATUS_NAMES = { 0: 'SANE_STATUS_GOOD', 2: 'SANE_STATUS_CANCELLED', 9: 'SANE_STATUS_IO_ERROR' };

/** Is scanimage here? Installs sane-utils first when asked and allowed (root, apt-get). */
export async function findScanimage({ install = false } = {}) {
  const probe = () => timedRun('scanimage', ['--version']).then((r) => (r.code === 0 ? r.stdout.trim() : undefined), () => undefined);
  let version = await probe();
  if (!version && install) {
    if (process.getuid?.() !== 0) return { skipped: '--install-sane needs root (apt-get install -y sane-utils)' };
    const apt = await timedRun('apt-get', ['install', '-y', 'sane-utils'], { timeoutMs: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).catch((err) => ({ code: -1, stderr: String(err) }));
    if (apt.code !== 0) return { skipped: `apt-get install -y sane-utils failed: ${apt.stderr.trim().split('\n').at(-1)}` };
    version = await probe();
  }
  if (!version) return { skipped: 'scanimage not found: install it with `sudo apt-get install sane-utils` (Debian/Ubuntu), or run `npm run bench -- --install-sane` as root' };
  return { version };
}

/**
 * The page both sides scan: gray 8-bit at 300 dpi, 80 × 100 mm (the test backend's scan area is
 * at most 200 × 200 mm) — 945 × 1181 pixels, the same pixels on the SANE and the OpenWIA side.
 */
export const SAME_PAGE = { widthMm: 80, heightMm: 100, resolution: RESOLUTION, mode: 'Gray', depth: 8 };

/** Pixels across and down a page of `geometry` at the shared resolution. */
export function pagePixels(geometry) {
  return { width: Math.round((geometry.widthMm / 25.4) * RESOLUTION), height: Math.round((geometry.heightMm / 25.4) * RESOLUTION) };
}

function scanArgs(dir, pages, geometry, readDelayUs) {
  const args = ['-d', 'test', '--source', 'Automatic Document Feeder', '--mode', 'Gray', '--depth', '8', '--resolution', String(RESOLUTION), '-x', String(geometry.widthMm), '-y', String(geometry.heightMm), `--batch=${join(dir, 'page%d.pnm')}`, `--batch-count=${pages}`, '--format=pnm'];
  if (readDelayUs > 0) args.push('--read-delay=yes', `--read-delay-duration=${readDelayUs}`);
  return args;
}

/** Time of a run that opens the test device without scanning: the fixed cost inside every batch. */
export async function scanimageStartupMs() {
  return (await timedRun('scanimage', ['-d', 'test', '--dont-scan'])).ms;
}

/** One batch scan; bytes and time of the whole process. */
export async function scanimageBatch({ pages, geometry, readDelayUs = 0 }) {
  const dir = await mkdtemp(join(tmpdir(), 'openwia-sane-'));
  try {
    const run = await timedRun('scanimage', scanArgs(dir, pages, geometry, readDelayUs));
    const { bytes, files } = await directoryBytes(dir);
    if (files !== pages) throw new Error(`scanimage wrote ${files} of ${pages} pages (exit ${run.code}): ${run.stderr.trim().split('\n').at(-1)}`);
    return { ms: run.ms, bytes, pages: files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** SIGINT in the middle of page 2 of a long, delayed batch; ms from the signal to the process's exit. */
export async function scanimageSigint({ geometry, readDelayUs, pageMs }) {
  const dir = await mkdtemp(join(tmpdir(), 'openwia-sane-'));
  try {
    const run = await sigintRun('scanimage', scanArgs(dir, SANE_TEST_FEEDER_SHEETS, geometry, readDelayUs), {
      ready: (stderr) => stderr.includes('Scanning page 2'),
      extraWaitMs: Math.round(pageMs / 2),
    });
    // scanimage exits with the SANE status that ended the scan: 2 is SANE_STATUS_CANCELLED, a clean stop.
    // It says "received signal 2" when its handler took the signal (rather than dying of it).
    return {
      sigintToExitMs: run.sigintToExitMs,
      exit: run.code ?? run.signal,
      exitStatus: SANE_STATUS_NAMES[run.code] ?? (run.signal ? `killed by ${run.signal}` : `status ${run.code}`),
      signalHandled: run.stderr.includes('received signal 2'),
      stoppedCleanly: run.code === SANE_STATUS_CANCELLED,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
