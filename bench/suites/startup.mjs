// Start-up and stop: how long `openwia` takes from exec to exit for commands that do little
// (`--help`, `list`), and from SIGINT to exit in the middle of a scan — each side by side with
// bare Node (`node -e 0`, and a Node process that exits on SIGINT) and with SANE's `scanimage`
// in the same run, interleaved, so that a busy machine slows every side alike. Both scanners
// scan the same page (gray 8-bit, 300 dpi, SAME_PAGE), so the SIGINT figures compare like with like.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { median } from '../lib/stats.mjs';
import { openWiaSigint } from '../sane/openwia-cli.mjs';
import { sigintRun, timedRun } from '../sane/processes.mjs';
import { SAME_PAGE, SANE_TEST_FEEDER_SHEETS, pagePixels, scanimageSigint } from '../sane/scanimage.mjs';

const CLI = fileURLToPath(new URL('../../packages/cli/bin/openwia.js', import.meta.url));
const node = process.execPath;
/** The `usb` package's libusb API, as `openwia list` loads it: its load and one enumeration are `list`'s floor. */
const USB_API = createRequire(import.meta.url).resolve('usb/dist/usb/index.js');

/** How long a page of the SIGINT runs takes on both sides, about: the signal comes half a page in. */
const SIGINT_PAGE_MS = 350;
/** scanimage's pause per buffer that makes its page (about 17 buffers of 64 KiB) last about SIGINT_PAGE_MS. */
const SIGINT_READ_DELAY_US = 20_000;

/** Start-to-exit commands, run in turn `repeats` times (interleaved). */
function startCommands(haveScanimage) {
  const commands = [
    { name: 'node -e 0', command: node, args: ['-e', '0'] },
    { name: 'node: load usb + list USB devices', command: node, args: ['-e', `require(${JSON.stringify(USB_API)}).getDeviceList()`] },
    { name: 'openwia --help', command: node, args: [CLI, '--help'] },
    { name: 'openwia list', command: node, args: [CLI, 'list'] },
    { name: 'openwia list --no-usb', command: node, args: [CLI, '--no-usb', 'list'] },
    { name: 'openwia list --simulate', command: node, args: [CLI, '--no-usb', '--simulate', 'list'] },
    // The fixed cost of a scan on each side, apart from the scan: open the scanner, scan nothing.
    { name: 'openwia items sim:scanner --simulate', command: node, args: [CLI, '--no-usb', '--simulate', 'items', 'sim:scanner'] },
  ];
  if (haveScanimage) commands.push({ name: 'scanimage -d test --dont-scan', command: 'scanimage', args: ['-d', 'test', '--dont-scan'] });
  return commands;
}

/** A bare Node process that says it is ready and exits on SIGINT: the floor for SIGINT → exit. */
const BARE_NODE_SIGINT = "process.on('SIGINT', () => process.exit(130)); setInterval(() => {}, 1000); process.stderr.write('ready\\n');";

async function bareNodeSigint() {
  const run = await sigintRun(node, ['-e', BARE_NODE_SIGINT], { ready: (stderr) => stderr.includes('ready') });
  return { sigintToExitMs: run.sigintToExitMs, exit: run.code ?? run.signal, stoppedCleanly: run.code === 130 };
}

/** Median, max, runs, exit statuses seen and how many runs stopped cleanly. */
function figure(samples) {
  const ms = samples.map((s) => s.ms ?? s.sigintToExitMs);
  const result = { medianMs: Number(median(ms).toFixed(1)), maxMs: Number(Math.max(...ms).toFixed(1)), runs: samples.length, exits: [...new Set(samples.map((s) => s.exit))] };
  if (samples.some((s) => 'stoppedCleanly' in s)) result.stoppedCleanly = samples.filter((s) => s.stoppedCleanly).length;
  // scanimage's exit status, by its SANE name, and whether its handler took the signal.
  if (samples.some((s) => 'exitStatus' in s)) result.exitStatuses = [...new Set(samples.map((s) => s.exitStatus))];
  if (samples.some((s) => 'signalHandled' in s)) result.signalHandled = samples.filter((s) => s.signalHandled).length;
  return result;
}

async function measureStartToExit(repeats, haveScanimage) {
  const commands = startCommands(haveScanimage);
  const samples = new Map(commands.map((c) => [c.name, []]));
  for (let i = 0; i < repeats; i++) {
    for (const c of commands) {
      const run = await timedRun(c.command, c.args);
      samples.get(c.name).push({ ms: run.ms, exit: run.code });
    }
  }
  const startToExit = Object.fromEntries([...samples].map(([name, s]) => [name, figure(s)]));
  const bare = startToExit['node -e 0'].medianMs;
  for (const entry of Object.values(startToExit)) entry.timesBareNode = Number((entry.medianMs / bare).toFixed(2));
  return startToExit;
}

async function measureSigintToExit(repeats, haveScanimage) {
  const geometry = { widthMm: SAME_PAGE.widthMm, heightMm: SAME_PAGE.heightMm };
  const pixels = pagePixels(geometry);
  const sides = {
    'node (bare)': bareNodeSigint,
    'openwia acquire sim:scanner': () => openWiaSigint({ pages: SANE_TEST_FEEDER_SHEETS, pixels, scanDelayMs: SIGINT_PAGE_MS, pageMs: SIGINT_PAGE_MS }),
    ...(haveScanimage ? { 'scanimage -d test': () => scanimageSigint({ geometry, readDelayUs: SIGINT_READ_DELAY_US, pageMs: SIGINT_PAGE_MS }) } : {}),
  };
  const samples = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let i = 0; i < repeats; i++) for (const [name, run] of Object.entries(sides)) samples[name].push(await run());
  const sigintToExit = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, figure(s)]));
  const bare = sigintToExit['node (bare)'].medianMs;
  for (const entry of Object.values(sigintToExit)) entry.overBareNodeMs = Number((entry.medianMs - bare).toFixed(1));
  return { sigintToExit, pixels };
}

/** Whether each goal of issue 14 is met in this run. */
function goalsMet(startToExit, sigintToExit) {
  return {
    helpWithin2x: startToExit['openwia --help'].timesBareNode <= 2,
    listWithin2x: startToExit['openwia list'].timesBareNode <= 2,
    sigintWithin25ms: sigintToExit['openwia acquire sim:scanner'].overBareNodeMs <= 25,
  };
}

/** @param {{ quick?: boolean }} options */
export async function measureStartup({ quick = false } = {}) {
  const repeats = quick ? 3 : 9;
  const haveScanimage = (await timedRun('scanimage', ['--version']).catch(() => ({ code: -1 }))).code === 0;
  const startToExit = await measureStartToExit(repeats, haveScanimage);
  const { sigintToExit, pixels } = await measureSigintToExit(repeats, haveScanimage);
  return {
    method: `${repeats} interleaved runs of each command, whole process from spawn to exit, median; SIGINT → exit on the same page on both sides (gray 8-bit, 300 dpi, ${pixels.width}×${pixels.height} pixels, pages of about ${SIGINT_PAGE_MS} ms): openwia half a page after its first page is saved (scanDelayMs ${SIGINT_PAGE_MS}), scanimage -d test half a page into page 2 (--read-delay-duration=${SIGINT_READ_DELAY_US} µs per buffer); exit statuses checked: stoppedCleanly counts openwia's runs that printed their summary and ended by SIGINT (its clean-up done, as a shell's 130), scanimage's 2 (SANE_STATUS_CANCELLED) and bare Node's 130; for scanimage, exitStatuses names the SANE statuses seen and signalHandled counts the runs whose handler took the signal ("received signal 2")`,
    goals: 'openwia --help and list (no --simulate) within 2× of node -e 0; SIGINT → exit within 25 ms of bare Node',
    goalsMet: goalsMet(startToExit, sigintToExit),
    startToExit,
    sigintToExit,
  };
}

// `node bench/suites/startup.mjs [--quick]` runs this suite alone.
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await measureStartup({ quick: process.argv.includes('--quick') }), null, 2));
