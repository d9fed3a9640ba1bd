// The virtual scanner's first 150-dpi colour A4 page: how long it takes to
// render and how long it holds the event loop (the CLI's SIGINT answer waits
// behind the longest synchronous stretch). Every sample is a fresh Node
// process, so "first" means first: cold JIT, empty page cache. Modes run
// interleaved, so a shared machine's load falls on all of them alike:
//   inline   the page rendered on the calling thread (`renderDocument`)
//   child    the default `PageCache`: rendered in the page-render child process
//   before   `--before <dir>`: a checkout's testkit (e.g. main) as it renders, for a before/after
//   scan     what a client sees: a virtual A4 scanner on loopback HTTP, GET ScannerCapabilities,
//            POST ScanJobs (150 dpi, RGB24, JPEG), GET NextDocument; the time from POST to the whole page
//   scan-before  the same with the `--before` checkout
// `node bench/suites/page-render.mjs [--runs N] [--before /path/to/checkout]` prints JSON.
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** A4 at 150 dpi, colour JPEG, the whole sheet (eSCL units are 1/300 inch: 2480 × 3508). */
const A4_150_RGB = { pageNumber: 1, widthPx: 1240, heightPx: 1754, sheetWidthPx: 1240, sheetHeightPx: 1754, colorMode: 'RGB24', format: 'image/jpeg', quality: 85, dpi: 150 };

const SETTINGS =
  '<?xml version="1.0"?><scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">' +
  '<pwg:Version>2.63</pwg:Version><scan:Intent>Document</scan:Intent><pwg:ScanRegions><pwg:ScanRegion><pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset>' +
  '<pwg:Width>2480</pwg:Width><pwg:Height>3508</pwg:Height></pwg:ScanRegion></pwg:ScanRegions><pwg:InputSource>Platen</pwg:InputSource>' +
  '<scan:ColorMode>RGB24</scan:ColorMode><scan:XResolution>150</scan:XResolution><scan:YResolution>150</scan:YResolution><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat></scan:ScanSettings>';

/** A client's first page from a virtual A4 scanner over loopback HTTP: ms from POST ScanJobs to the last byte. */
async function firstScannedPage(testkit) {
  const scanner = testkit.createVirtualScanner({ maxWidth: 2480, maxHeight: 3508, resolutions: [150], feederSheets: false });
  await new Promise((resolve) => scanner.server.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${scanner.server.server.address().port}`;
  await (await fetch(`${base}/eSCL/ScannerCapabilities`)).arrayBuffer();
  const t0 = performance.now();
  const created = await fetch(`${base}/eSCL/ScanJobs`, { method: 'POST', body: SETTINGS, headers: { 'content-type': 'text/xml' } });
  await created.arrayBuffer();
  const page = await (await fetch(`${new URL(created.headers.get('location'), base).href}/NextDocument`)).arrayBuffer();
  const ms = performance.now() - t0;
  scanner.server.server.closeAllConnections();
  scanner.server.server.close();
  scanner.device.unplug();
  return { ms, bytes: page.byteLength };
}

/** One sample in this process: render time and the longest event-loop stall while it ran. */
async function sampleInThisProcess(mode, before) {
  const testkit = await import(mode.endsWith('before') ? pathToFileURL(`${before}/packages/testkit/dist/index.js`).href : '@openwia/testkit');
  // A 1 ms timer records when the loop turns: the longest gap between turns is the longest stall.
  const turns = [];
  const ticker = setInterval(() => turns.push(performance.now()), 1);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const t0 = performance.now();
  turns.push(t0);
  let result;
  if (mode.startsWith('scan')) result = await firstScannedPage(testkit);
  else {
    const cache = mode === 'inline' ? new testkit.PageCache(undefined, testkit.renderDocument) : new testkit.PageCache();
    const bytes = await cache.get(A4_150_RGB);
    result = { ms: performance.now() - t0, bytes: bytes.length };
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(ticker);
  const during = turns.filter((t) => t >= t0);
  const longestStallMs = Math.max(...during.slice(1).map((t, i) => t - during[i]));
  return { renderMs: result.ms, longestStallMs, bytes: result.bytes };
}

function runChild(mode, before) {
  return new Promise((resolve, reject) => {
    const args = [fileURLToPath(import.meta.url), '--child', mode, ...(before ? ['--before', before] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${mode} child exited ${code}`))));
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (n) => Math.round(n * 10) / 10;

/**
 * @param {{ runs?: number, before?: string }} options
 */
export async function measurePageRender({ runs = 7, before } = {}) {
  const modes = [...(before ? ['before'] : []), 'inline', 'child', ...(before ? ['scan-before'] : []), 'scan'];
  const samples = Object.fromEntries(modes.map((m) => [m, []]));
  for (let i = 0; i < runs; i++) for (const mode of modes) samples[mode].push(await runChild(mode, before));
  const summary = (list) => ({
    renderMs: round(median(list.map((s) => s.renderMs))),
    longestStallMs: round(median(list.map((s) => s.longestStallMs))),
    bytes: list[0].bytes,
    samplesMs: list.map((s) => round(s.renderMs)),
  });
  return {
    method: `${runs} rounds, each mode in a fresh Node process per round (interleaved): one A4 150-dpi RGB24 JPEG through a new PageCache (before, inline, child), or a client's first page from a virtual A4 scanner, POST ScanJobs to the page's last byte (scan, scan-before); medians`,
    ...Object.fromEntries(modes.map((m) => [m, summary(samples[m])])),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { child: { type: 'string' }, runs: { type: 'string' }, before: { type: 'string' } } });
  if (values.child) process.stdout.write(JSON.stringify(await sampleInThisProcess(values.child, values.before)));
  else console.log(JSON.stringify(await measurePageRender({ runs: Number(values.runs ?? 7), ...(values.before ? { before: values.before } : {}) }), null, 2));
}
