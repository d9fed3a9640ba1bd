// Throughput: a multi-item transfer through the whole stack (WiaDevice →
// transfer engine → bench plugin → simulated bus, unlimited speed) against
// two transferIn loops reading the same items from the same device: the fair
// baseline (an AbortSignal on every transferIn, bytes written into the same
// kind of counting Writable the stack delivers to) and the bare one
// (transferIn alone). tinybench times all three; the figure is the ratio of
// median times (fair ÷ stack), taken in the same run and in alternating order
// so that a noisy machine cancels out. The bare ratio is printed beside it.
import { Bench } from 'tinybench';
import { countingApp } from '../lib/counting-app.mjs';
import { openRig, rawReadAll } from '../lib/rig.mjs';
import { median } from '../lib/stats.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Read sizes measured: the plugin's read = the device's write = the raw loop's transferIn length. */
export const CHUNK_SIZES = [16 * KiB, 64 * KiB, 256 * KiB, MiB];

/** Line rates a real bus delivers (bulk payload), to put the stack's figure in proportion. */
const BUS_RATES_MBPS = { usb2HighSpeed: 40, usb3Gen1Practical: 400 };

/** At USB 2.0 high-speed timing the bus, not the stack, sets the pace: the same ratio there. */
async function measureAtUsb2(quick) {
  const itemSizes = Array(4).fill(MiB);
  const rig = await openRig({ itemSizes, readSize: 64 * KiB, speed: 'usb2' });
  const { fair, stack } = await pass(rig, itemSizes, 64 * KiB, ['fair', 'stack'], quick ? 200 : 600);
  await rig.close();
  return { chunkKiB: 64, rawMBps: Math.round(rig.totalBytes / 1e3 / fair.p50), stackMBps: Math.round(rig.totalBytes / 1e3 / stack.p50), ratio: Number((fair.p50 / stack.p50).toFixed(3)) };
}

/** One tinybench pass over the given tasks; returns their latency statistics (ms). */
async function pass(rig, itemSizes, chunkSize, order, timeMs) {
  const bench = new Bench({ time: timeMs, warmupTime: Math.round(timeMs / 5), warmupIterations: 2, iterations: 5 });
  const raw = (fair) => async () => {
    const n = await rawReadAll(rig.transport, itemSizes, chunkSize, { fair });
    if (n !== rig.totalBytes) throw new Error(`raw loop read ${n} of ${rig.totalBytes} bytes`);
  };
  const tasks = {
    bare: raw(false),
    fair: raw(true),
    stack: async () => {
      const app = countingApp();
      await rig.transferAll(app);
      if (app.bytes !== rig.totalBytes) throw new Error(`the stack delivered ${app.bytes} of ${rig.totalBytes} bytes`);
    },
  };
  for (const name of order) bench.add(name, tasks[name], { async: true });
  await bench.run();
  const result = (name) => bench.tasks.find((t) => t.name === name).result;
  for (const name of order) if (result(name).state !== 'completed') throw result(name).error ?? new Error(`${name} did not complete`);
  return Object.fromEntries(order.map((name) => [name, result(name).latency]));
}

/**
 * Measures every chunk size.
 * @param {{ quick?: boolean }} options
 */
export async function measureThroughput({ quick = false } = {}) {
  const itemSizes = Array(8).fill(4 * MiB);
  const totalBytes = itemSizes.reduce((a, b) => a + b, 0);
  const rounds = quick ? 1 : 3;
  const timeMs = quick ? 300 : 1200;
  const byChunk = [];
  const orders = [
    ['fair', 'stack', 'bare'],
    ['stack', 'bare', 'fair'],
    ['bare', 'fair', 'stack'],
  ];
  for (const chunkSize of CHUNK_SIZES) {
    const rig = await openRig({ itemSizes, readSize: chunkSize });
    const samples = { bare: [], fair: [], stack: [], ratio: [], bareRatio: [] };
    let rme = 0;
    for (let round = 0; round < rounds; round++) {
      const times = await pass(rig, itemSizes, chunkSize, orders[round % orders.length], timeMs);
      for (const name of ['bare', 'fair', 'stack']) samples[name].push(times[name].p50);
      samples.ratio.push(times.fair.p50 / times.stack.p50);
      samples.bareRatio.push(times.bare.p50 / times.stack.p50);
      rme = Math.max(rme, times.bare.rme, times.fair.rme, times.stack.rme);
    }
    await rig.close();
    const mbps = (name) => Math.round(totalBytes / 1e3 / median(samples[name]));
    byChunk.push({
      chunkKiB: chunkSize / KiB,
      rawMBps: mbps('fair'),
      bareMBps: mbps('bare'),
      stackMBps: mbps('stack'),
      ratio: Number(median(samples.ratio).toFixed(3)),
      ratioVsBare: Number(median(samples.bareRatio).toFixed(3)),
      maxRmePercent: Number(rme.toFixed(1)),
    });
  }
  const slowest = Math.min(...byChunk.map((c) => c.stackMBps));
  return {
    method: `8 items × 4 MiB per transfer, unlimited bus speed; tinybench ${timeMs} ms per task, ${rounds} round(s) in rotating order; ratio = median fair-raw time ÷ median stack time (1 = no overhead; fair raw = AbortSignal on every transferIn + the same counting Writable per item), ratioVsBare = bare transferIn loop ÷ stack`,
    ratio: Math.min(...byChunk.map((c) => c.ratio)),
    ratioAt64KiB: byChunk.find((c) => c.chunkKiB === 64).ratio,
    byChunk,
    atUsb2: await measureAtUsb2(quick),
    headroom: { slowestStackMBps: slowest, timesUsb2: Math.round(slowest / BUS_RATES_MBPS.usb2HighSpeed), timesUsb3Practical: Number((slowest / BUS_RATES_MBPS.usb3Gen1Practical).toFixed(1)) },
  };
}
