// Runs in its own process (so that its peak RSS is its own): one transfer of
// `--bytes` over `--items` items through the whole stack, each item streamed
// to a file in a temporary directory, which is deleted afterwards. Prints one
// JSON line. Started by memory.mjs with --expose-gc.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { countingApp } from '../lib/counting-app.mjs';
import { openRig } from '../lib/rig.mjs';

const { values } = parseArgs({ options: { bytes: { type: 'string' }, items: { type: 'string' }, chunk: { type: 'string' } } });
const totalBytes = Number(values.bytes);
const items = Number(values.items);
const readSize = Number(values.chunk);
const itemSize = Math.floor(totalBytes / items);

const gc = globalThis.gc ?? (() => undefined);
gc();
const base = process.memoryUsage();
const dir = await mkdtemp(join(tmpdir(), 'openwia-bench-'));
let peakRss = base.rss;
let peakHeap = base.heapUsed;
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  peakRss = Math.max(peakRss, now.rss);
  peakHeap = Math.max(peakHeap, now.heapUsed);
}, 20);
try {
  const rig = await openRig({ itemSizes: Array(items).fill(itemSize), readSize });
  const app = countingApp({ stream: (name) => createWriteStream(join(dir, name)) });
  const t0 = performance.now();
  await rig.transferAll(app);
  const transferMs = performance.now() - t0;
  // Every file fully on disk before it counts as done.
  await Promise.all([...app.sinks.values()].map((s) => (s.writableFinished ? undefined : new Promise((r) => s.end(r)))));
  const flushedMs = performance.now() - t0;
  const written = [...app.sinks.values()].reduce((n, s) => n + s.bytesWritten, 0);
  await rig.close();
  clearInterval(sampler);
  gc();
  const end = process.memoryUsage();
  const { maxRSS: maxRssKiB, userCPUTime, systemCPUTime } = process.resourceUsage();
  process.stdout.write(`${JSON.stringify({ totalBytes: itemSize * items, written, items, readSize, transferMs, flushedMs, baseRss: base.rss, peakRss: Math.max(peakRss, maxRssKiB * 1024), baseHeap: base.heapUsed, peakHeap, endHeap: end.heapUsed, userCpuMs: userCPUTime / 1000, systemCpuMs: systemCPUTime / 1000 })}\n`);
} finally {
  clearInterval(sampler);
  await rm(dir, { recursive: true, force: true });
}
