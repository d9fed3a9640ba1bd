// The OpenWIA side of the SANE comparison: `openwia acquire sim:scanner` run
// as a process, exactly as a user would. It needs the CLI's `acquire`
// command (issue 7) and its simulated eSCL scanner `sim:scanner`; until they
// are on main, `openWiaAvailability()` says so and the comparison reports
// `sane.openwia: { skipped }`.
//
// Interface expected (docs/cli.md on the CLI branch):
//   openwia --no-usb --sim-config CFG acquire sim:scanner --out DIR
//   CFG = { "scanner": { "pages", "speed": "unlimited", "scanDelayMs", "format": "image/jpeg", "resolution": 150 } }
//   (pages are rendered and JPEG-encoded by the virtual scanner in JavaScript: that cost is inside the figure)
//   exit 0 when done; after Ctrl-C it cleans up and ends by SIGINT (130 in a shell); finished files kept, partial ones removed.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { directoryBytes, sigintRun, timedRun } from './processes.mjs';

const CLI = fileURLToPath(new URL('../../packages/cli/bin/openwia.js', import.meta.url));

/** `undefined` when `openwia acquire sim:scanner` can run, otherwise why not. */
export async function openWiaUnavailable() {
  const help = await timedRun(process.execPath, [CLI, '--help']).catch(() => undefined);
  if (!help || help.code !== 0 || !/\bacquire\b/.test(help.stdout)) return 'openwia acquire sim:scanner not available yet';
  const list = await timedRun(process.execPath, [CLI, '--no-usb', '--simulate', 'list']).catch(() => undefined);
  if (!list || !list.stdout.includes('sim:scanner')) return 'openwia acquire sim:scanner not available yet (no sim:scanner in `openwia --simulate list`)';
  return undefined;
}

/**
 * Time of a run that starts the CLI and opens the scanner without scanning (its item tree): the
 * fixed cost inside every batch, as `scanimage -d test --dont-scan` is on the SANE side.
 */
export async function openWiaStartupMs() {
  return (await timedRun(process.execPath, [CLI, '--no-usb', '--simulate', 'items', 'sim:scanner'])).ms;
}

/**
 * A work directory with the simulation config for `pages` at `scanDelayMs` per page. With
 * `pixels` ({ width, height } at 300 dpi), the scan is gray 8-bit PNG of exactly those pixels
 * (WIA_IPA_DATATYPE 2 = grayscale, extents in pixels) — the page scanimage scans.
 */
async function prepare({ pages, scanDelayMs, pixels }) {
  const dir = await mkdtemp(join(tmpdir(), 'openwia-cli-'));
  const config = join(dir, 'sim.json');
  const scanner = pixels ? { format: 'image/png', resolution: 300 } : { format: 'image/jpeg', resolution: 150 };
  await writeFile(config, JSON.stringify({ scanner: { pages, speed: 'unlimited', scanDelayMs, ...scanner } }));
  const out = join(dir, 'out');
  const same = pixels ? ['--set', 'WIA_IPA_DATATYPE=2', '--set', `WIA_IPS_XEXTENT=${pixels.width}`, '--set', `WIA_IPS_YEXTENT=${pixels.height}`] : [];
  return { dir, out, args: [CLI, '--no-usb', '--sim-config', config, 'acquire', 'sim:scanner', '--out', out, ...same] };
}

/** One `openwia acquire sim:scanner` of `pages` pages; bytes and time of the whole process. */
export async function openWiaBatch({ pages, scanDelayMs = 0, pixels }) {
  const { dir, out, args } = await prepare({ pages, scanDelayMs, pixels });
  try {
    const run = await timedRun(process.execPath, args);
    if (run.code !== 0) throw new Error(`openwia acquire exited ${run.code}: ${run.stderr.trim().split('\n').at(-1)}`);
    const { bytes, files } = await directoryBytes(out);
    return { ms: run.ms, bytes, pages: files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** SIGINT half a page after the first page was saved; ms from the signal to the process's exit. */
export async function openWiaSigint({ pages, scanDelayMs, pageMs, pixels }) {
  const { dir, out, args } = await prepare({ pages, scanDelayMs, pixels });
  try {
    const firstPageSaved = async () => (await readdir(out).catch(() => [])).some((name) => !name.endsWith('.partial'));
    const run = await sigintRun(process.execPath, args, { ready: firstPageSaved, extraWaitMs: Math.round(pageMs / 2) });
    return { sigintToExitMs: run.sigintToExitMs, exit: run.code ?? run.signal, stoppedCleanly: run.signal === 'SIGINT' && /^cancelled: /m.test(run.stdout ?? '') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
