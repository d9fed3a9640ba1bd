// Start-up and stop: how long `openwia` takes from exec to exit for commands that do little
// (`--help`, `list`), and from SIGINT to exit in the middle of an acquisition — each side by
// side with bare Node (`node -e 0`, and a Node process that exits on SIGINT) and with SANE's
// `scanimage` in the same run, interleaved, so that a busy machine slows every side alike.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../lib/stats.mjs';
import { sigintRun, timedRun } from '../sane/processes.mjs';

const CLI = fileURLToPath(new URL('../../packages/cli/bin/openwia.js', import.meta.url));
const node = process.execPath;

/** Start-to-exit commands, run in turn `repeats` times (interleaved). */
function startCommands(haveScanimage) {
  const commands = [
    { name: 'node -e 0', command: node, args: ['-e', '0'] },
    { name: 'openwia --help', command: node, args: [CLI, '--help'] },
    { name: 'openwia list', command: node, args: [CLI, 'list'] },
    { name: 'openwia list --no-usb', command: node, args: [CLI, '--no-usb', 'list'] },
    { name: 'openwia list --simulate', command: node, args: [CLI, '--no-usb', '--simulate', 'list'] },
    { name: 'openwia items sim:scanner --simulate', command: node, args: [CLI, '--no-usb', '--simulate', 'items', 'sim:scanner'] },
  ];
  if (haveScanimage) commands.push({ name: 'scanimage -d test --dont-scan', command: 'scanimage', args: ['-d', 'test', '--dont-scan'] });
  return commands;
}

/** A bare Node process that says it is ready and exits on SIGINT: the floor for SIGINT → exit. */
const BARE_NODE_SIGINT = "process.on('SIGINT', () => process.exit(130)); setInterval(() => {}, 1000); process.stderr.write('ready\\n');";

async function openwiaSigint(dir) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const config = join(dir, 'sim.json');
  const run = await sigintRun(node, [CLI, '--no-usb', '--sim-config', config, 'acquire', 'sim:scanner', '--out', out], {
    ready: async () => (await readdir(out).catch(() => [])).some((name) => name.endsWith('.partial')),
    extraWaitMs: 20,
  });
  return { ms: run.sigintToExitMs, exit: run.code ?? run.signal };
}

async function scanimageSigint(dir) {
  const run = await sigintRun('scanimage', ['-d', 'test', '--source', 'Automatic Document Feeder', '--mode', 'Gray', '--resolution', '300', '--read-delay=yes', '--read-delay-duration=20000', `--batch=${join(dir, 'sane%d.pnm')}`, '--batch-count=10', '--format=pnm'], {
    ready: (stderr) => stderr.includes('Scanning page 2'),
    extraWaitMs: 20,
  });
  return { ms: run.sigintToExitMs, exit: run.code ?? run.signal };
}

const figure = (samples) => ({ medianMs: Number(median(samples.map((s) => s.ms)).toFixed(1)), maxMs: Number(Math.max(...samples.map((s) => s.ms)).toFixed(1)), runs: samples.length, exits: [...new Set(samples.map((s) => s.exit))] });

/** @param {{ quick?: boolean }} options */
export async function measureStartup({ quick = false } = {}) {
  const repeats = quick ? 3 : 9;
  const haveScanimage = (await timedRun('scanimage', ['--version']).catch(() => ({ code: -1 }))).code === 0;
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

  const dir = await mkdtemp(join(tmpdir(), 'openwia-startup-'));
  try {
    await writeFile(join(dir, 'sim.json'), JSON.stringify({ scanner: { pages: 10, speed: 'usb1' } }));
    const sigint = { 'node (bare)': [], 'openwia acquire sim:scanner': [], ...(haveScanimage ? { 'scanimage -d test': [] } : {}) };
    for (let i = 0; i < repeats; i++) {
      const bareRun = await sigintRun(node, ['-e', BARE_NODE_SIGINT], { ready: (stderr) => stderr.includes('ready') });
      sigint['node (bare)'].push({ ms: bareRun.sigintToExitMs, exit: bareRun.code ?? bareRun.signal });
      sigint['openwia acquire sim:scanner'].push(await openwiaSigint(dir));
      if (haveScanimage) sigint['scanimage -d test'].push(await scanimageSigint(dir));
    }
    const sigintToExit = Object.fromEntries(Object.entries(sigint).map(([name, s]) => [name, figure(s)]));
    const bareSigint = sigintToExit['node (bare)'].medianMs;
    for (const entry of Object.values(sigintToExit)) entry.overBareNodeMs = Number((entry.medianMs - bareSigint).toFixed(1));
    return {
      method: `${repeats} interleaved runs of each command, whole process from spawn to exit, median; SIGINT 20 ms after the first partial file appears (openwia, 10-page usb1 feeder) or 20 ms into page 2 (scanimage -d test, 20 ms read delay per buffer), to process exit`,
      goals: 'openwia --help and list (no --simulate) within 2× of node -e 0; SIGINT → exit within 25 ms of bare Node',
      startToExit,
      sigintToExit,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// `node bench/suites/startup.mjs [--quick]` runs this suite alone.
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await measureStartup({ quick: process.argv.includes('--quick') }), null, 2));
