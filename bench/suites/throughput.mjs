// Throughput: a multi-item transfer through the whole stack (WiaDevice →
// transfer engine → bench plugin → simulated bus, unlimited speed) against
// two transferIn loops reading the same items from the same device: the fair
// baseline (an AbortSignal on every transferIn, bytes written into the same
// kind of counting Writable the stack delivers to) and the bare one
// (transferIn alone), with a control (a second fair loop) beside them. They
// run interleaved, one sample each (transfers back to back for at least
// 100 ms) in orders in which every task follows every other equally often,
// many times over; the figure is the median of the per-round ratios
// (fair ÷ stack). A round lasts a few hundred ms, so the load of a shared
// machine changes little within it and cancels out of the ratio — far better
// than timing each side for seconds in turn. The bare and control ratios are
// printed beside it. Each ratio is also taken on the process's CPU time per
// task: on a shared machine a task preempted for a few ms loses wall time
// but no CPU time, so the CPU ratio shows the framework's own cost.
import { fileURLToPath } from 'node:url';
import { countingApp } from '../lib/counting-app.mjs';
import { runJsonChild } from '../lib/json-child.mjs';
import { SMALL_YOUNG_GENERATION_FLAG, TUNED_MALLOC_ENV, shellEnv } from '../lib/node-settings.mjs';
import { BARE_READS, FAIR_READS, openRig, rawReadAll } from '../lib/rig.mjs';
import { interquartile, median, medianConfidence90, round3 } from '../lib/stats.mjs';


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
  const r = await interleaved(rig, itemSizes, 64 * KiB, quick ? 3 : 7);
  await rig.close();
  return { chunkKiB: 64, rawMBps: r.mbps(r.fair), stackMBps: r.mbps(r.stack), ratio: r.ratio };
}

/**
 * Orders for the rounds in which every task runs right after every other one equally often (a Williams design:
 * n orders for an even number of tasks, 2n for an odd one). A task's sample pays for what the task before it
 * left — the garbage collections its heap brings on — so each task must follow every other as often. With the
 * rotations of one order that the suite used before (fair → stack → bare, then stack → bare → fair, …) the
 * stack always followed the fair raw loop and the fair loop the bare one; a control task identical to the fair
 * one, always run after the stack, then measured 0.84–0.86 of it at 256 KiB – 1 MiB in the steady process
 * (December 2026): an effect of the order, not of any task.
 */
export function balancedOrders(tasks) {
  const n = tasks.length;
  const first = [0];
  for (let k = 1; first.length < n; k++) {
    first.push(k);
    if (first.length < n) first.push(n - k);
  }
  const rows = first.map((_, r) => first.map((i) => (i + r) % n));
  return (n % 2 === 0 ? rows : [...rows, ...rows.map((row) => [...row].reverse())]).map((row) => row.map((i) => tasks[i]));
}

const ORDERS = balancedOrders(['fair', 'stack', 'bare']);
/**
 * With the control: a second fair raw task, identical to the first. Their ratio can only differ from 1 by what
 * interleaving and the machine do to two equal tasks — the resolution of the method at that chunk size, printed
 * beside the stack's ratio.
 */
const ORDERS_WITH_CONTROL = balancedOrders(['fair', 'stack', 'control', 'bare']);

/** `rounds`, rounded up to whole passes through `orders`, so that every order runs as often. */
function wholePasses(rounds, orders) {
  return Math.ceil(rounds / orders.length) * orders.length;
}

/** The tasks on one rig: one transfer of every item each (`control` is `fair` under another name). */
function tasksOf(rig, itemSizes, chunkSize) {
  const fair = async () => {
    const n = await rawReadAll(rig.transport, itemSizes, chunkSize, FAIR_READS);
    if (n !== rig.totalBytes) throw new Error(`fair raw loop delivered ${n} of ${rig.totalBytes} bytes`);
  };
  return {
    bare: async () => {
      const n = await rawReadAll(rig.transport, itemSizes, chunkSize, BARE_READS);
      if (n !== rig.totalBytes) throw new Error(`bare raw loop read ${n} of ${rig.totalBytes} bytes`);
    },
    fair,
    control: fair,
    stack: async () => {
      const app = countingApp({ keepSinks: false });
      await rig.transferAll(app);
      if (app.bytes !== rig.totalBytes) throw new Error(`the stack delivered ${app.bytes} of ${rig.totalBytes} bytes`);
    },
  };
}

/**
 * Transfers of one 64 KiB item each task runs before anything is measured (see {@link warmUp}).
 */
const JIT_WARM_UP_TRANSFERS = 2000;

/** Transfers at each end of the warm-up whose median one-item times the report gives. */
const WARM_UP_SAMPLE = 300;

/**
 * Runs every task's code until V8 has optimised it, and says what that changed. The stack's per-transfer and
 * per-item code runs once per transfer or item — a few times per 32 MB — so V8 optimises it only after about a
 * thousand transfers; unwarmed, the first chunk sizes' ratios and the fixed costs would measure the interpreter.
 * Returns the median one-item transfer time (µs) of each task over the first and the last {@link WARM_UP_SAMPLE}
 * transfers: the first is what a short-lived process (one `openwia acquire`) pays per transfer.
 */
async function warmUp() {
  const itemSizes = [64 * KiB];
  const rig = await openRig({ itemSizes, readSize: 64 * KiB });
  const tasks = tasksOf(rig, itemSizes, 64 * KiB);
  const times = { bare: [], fair: [], stack: [] };
  for (let i = 0; i < JIT_WARM_UP_TRANSFERS; i++) {
    for (const name of ORDERS[i % ORDERS.length]) {
      const t0 = performance.now();
      await tasks[name]();
      times[name].push((performance.now() - t0) * 1000);
    }
  }
  await rig.close();
  const medianOf = (from, to) => Object.fromEntries(Object.entries(times).map(([name, t]) => [name, Math.round(median(t.slice(from, to)))]));
  return { transfers: JIT_WARM_UP_TRANSFERS, oneItemUs: { first: medianOf(0, WARM_UP_SAMPLE), last: medianOf(-WARM_UP_SAMPLE) } };
}

/**
 * The shortest a sample may be in the default process ({@link DEFAULT_SAMPLING}).
 * One 32 MiB transfer at 256 KiB – 1 MiB reads takes 3–4 ms, less than the
 * time between the mark-compacts garbage brings on (~35 ms for the stack at
 * 1 MiB while it still promoted 8 kB a transfer): with one transfer a sample,
 * the collections a task caused landed as often on the next task as on its
 * own, and the median of per-round ratios (0.81 at 1 MiB) disagreed with the
 * ratio of the medians (0.98). A sample of back-to-back transfers pays for
 * most of its own garbage. In the default process it still must: there the
 * three estimators still disagree with one transfer a sample (0.91, 0.87 and
 * 1.05 at 1 MiB, December 2026).
 */
const MIN_SAMPLE_MS = 100;

/**
 * `rounds` rounds (rounded up to whole passes through the balanced orders)
 * of one sample per task, after two warm-up rounds; a sample is as many
 * transfers back to back as make it last `minSampleMs` (decided on the first
 * warm-up round). Returns the rounds measured, the per-task median times per
 * transfer (ms), the median of the per-round ratios, and their spread; with
 * `control`, also the fair raw loop's ratio to an identical second task (see
 * {@link ORDERS_WITH_CONTROL}).
 */
async function interleaved(rig, itemSizes, chunkSize, rounds, { minSampleMs = MIN_SAMPLE_MS, control = false } = {}) {
  const tasks = tasksOf(rig, itemSizes, chunkSize);
  const orders = control ? ORDERS_WITH_CONTROL : ORDERS;
  const times = { bare: [], fair: [], stack: [], ...(control ? { control: [] } : {}) };
  const measuredRounds = wholePasses(rounds, orders);
  const controlRatios = [];
  const controlGaps = [];
  /** Per round, stack time − fair time per transfer (µs): what the stack costs on top, in absolute terms. */
  const gaps = [];
  const ratios = [];
  const bareRatios = [];
  const cpuRatios = [];
  const cpuBareRatios = [];
  let transfersPerSample = 1;
  for (let round = -2; round < measuredRounds; round++) {
    const t = {};
    const cpu = {};
    for (const name of orders[(round + orders.length) % orders.length]) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < transfersPerSample; i++) await tasks[name]();
      t[name] = (performance.now() - t0) / transfersPerSample;
      const used = process.cpuUsage(cpu0);
      cpu[name] = used.user + used.system;
    }
    if (round === -2) transfersPerSample = Math.max(1, Math.ceil(minSampleMs / Math.min(...Object.values(t))));
    if (round < 0) continue;
    for (const name of Object.keys(times)) times[name].push(t[name]);
    gaps.push((t.stack - t.fair) * 1000);
    ratios.push(t.fair / t.stack);
    bareRatios.push(t.bare / t.stack);
    cpuRatios.push(cpu.fair / cpu.stack);
    cpuBareRatios.push(cpu.bare / cpu.stack);
    if (control) {
      controlRatios.push(t.fair / t.control);
      controlGaps.push((t.control - t.fair) * 1000);
    }
  }
  return {
    rounds: measuredRounds,
    transfersPerSample,
    fair: median(times.fair),
    bare: median(times.bare),
    stack: median(times.stack),
    gapUs: median(gaps),
    ratio: round3(median(ratios)),
    ratioVsBare: round3(median(bareRatios)),
    ratioIqr: interquartile(ratios),
    ratioCi90: medianConfidence90(ratios),
    cpuRatio: round3(median(cpuRatios)),
    cpuRatioIqr: interquartile(cpuRatios),
    cpuRatioVsBare: round3(median(cpuBareRatios)),
    ...(control ? { controlGapUs: median(controlGaps), controlRatio: round3(median(controlRatios)), controlRatioIqr: interquartile(controlRatios), controlRatioCi90: medianConfidence90(controlRatios) } : {}),
    mbps: (ms) => Math.round(rig.totalBytes / 1e3 / ms),
  };
}

/**
 * The same measurement in a fresh process whose heap and allocator do not add
 * their own noise: a 1 MiB young generation (chunks die in scavenges, not in
 * the mark-compacts that external memory otherwise forces every ~30 MB) and
 * glibc's allocator tuned (no mmap per chunk, no page faults for memory
 * handed back and taken again: `TUNED_MALLOC_ENV`). Both sides run under it.
 * Its samples are single transfers, many of them ({@link STEADY_SAMPLING}).
 */
const STEADY_PROCESS = { nodeFlags: [SMALL_YOUNG_GENERATION_FLAG], env: TUNED_MALLOC_ENV };
/**
 * How the default process samples: 25 rounds of samples of at least {@link MIN_SAMPLE_MS}. Its per-transfer times
 * swing with page faults and external-memory mark-compacts, so a sample must be long enough to pay for its own.
 */
export const DEFAULT_SAMPLING = { rounds: 25, minSampleMs: MIN_SAMPLE_MS };

/**
 * How the steady process samples: 400 rounds of one transfer per task. There a transfer's time swings little and
 * mark-compacts are rare (about one per 20 transfers of all tasks together, now that the stack promotes 0.2–1 kB
 * a transfer), so a sample no longer needs to be long enough to pay for its own. Many short rounds put every
 * task's samples within milliseconds of each other's, where 100 ms samples left the ratio to the memory
 * bandwidth the VM happened to have in each: at 256 KiB – 1 MiB the control's IQR was ±0.2–0.5 and three runs
 * of the stack's ratio spread over 0.72–1.01 (December 2026); with these the control's 90 % confidence interval
 * is ±0.01 and the stack's ratio repeats within ±0.01 while the VM's memory speed holds — across the VM's memory
 * phases it moves by up to ±0.05 at 256 KiB – 1 MiB, which the control and the interval then show (bench/README.md,
 * "Resolving 256 KiB – 1 MiB").
 */
export const STEADY_SAMPLING = { rounds: 400, minSampleMs: 0 };

const throughputChild = fileURLToPath(new URL('./throughput-child.mjs', import.meta.url));

/**
 * The stack's fixed costs on top of the fair raw loop (median per-round difference, µs): transfers of one
 * 64 KiB item and of 16, interleaved as above. The 16-item transfer costs 15 items more than the one-item
 * transfer; what one item costs is taken off the one-item transfer to leave the transfer's own cost.
 * With `churnBytesPerItem`, the device writes that much memory of its own before each item (both sides pay it):
 * the fixed work then runs on caches evicted as a large-chunk transfer evicts them, which a 64 KiB item does not.
 */
async function measureFixedCosts({ churnBytesPerItem = 0 } = {}) {
  const rounds = 300;
  const gapUs = async (items) => {
    const itemSizes = Array(items).fill(64 * KiB);
    const rig = await openRig({ itemSizes, readSize: 64 * KiB, churnBytesPerItem });
    // One transfer per sample: the per-transfer difference is what is measured, and 300 rounds average it.
    const r = await interleaved(rig, itemSizes, 64 * KiB, rounds, { minSampleMs: 0, control: true });
    await rig.close();
    return r;
  };
  const one = await gapUs(1);
  const sixteen = await gapUs(16);
  const perItemUs = (sixteen.gapUs - one.gapUs) / 15;
  return {
    rounds,
    churnBytesPerItem,
    perTransferUs: Math.round(one.gapUs - perItemUs),
    perItemUs: Math.round(perItemUs),
    // The control's own per-round difference (µs): how far from 0 the method puts two equal tasks.
    controlGapUs: [Math.round(one.controlGapUs), Math.round(sixteen.controlGapUs)],
  };
}

/**
 * Every chunk size, in this process, and where the stack's extra time goes: each chunk size's gap (stack −
 * fair raw per transfer) less the transfer's and its items' fixed costs ({@link measureFixedCosts}), per chunk.
 * @param {{ quick?: boolean, sampling?: { rounds: number, minSampleMs: number } }} options `sampling`: {@link DEFAULT_SAMPLING}
 *   or {@link STEADY_SAMPLING} (a fifth of its rounds with `quick`)
 */
export async function measureByChunk({ quick = false, sampling = DEFAULT_SAMPLING } = {}) {
  const itemSizes = Array(8).fill(4 * MiB);
  const rounds = quick ? Math.ceil(sampling.rounds / 5) : sampling.rounds;
  // Not in a --quick run: 60 rounds gave differences smaller than their noise (negative per-chunk figures).
  const jitWarmUp = await warmUp();
  const fixedCosts = quick ? undefined : await measureFixedCosts();
  // The same after each item's worth of cache traffic: what the fixed work costs behind large chunks.
  const coldFixedCosts = quick ? undefined : await measureFixedCosts({ churnBytesPerItem: itemSizes[0] });
  // What those costs come to for one transfer of these items.
  const perTransferOf = (costs) => costs && costs.perTransferUs + itemSizes.length * costs.perItemUs;
  const fixedUs = perTransferOf(fixedCosts);
  const coldFixedUs = perTransferOf(coldFixedCosts);
  const byChunk = [];
  let measuredRounds = rounds;
  for (const chunkSize of CHUNK_SIZES) {
    const rig = await openRig({ itemSizes, readSize: chunkSize });
    const r = await interleaved(rig, itemSizes, chunkSize, rounds, { control: true, minSampleMs: sampling.minSampleMs });
    await rig.close();
    measuredRounds = r.rounds;
    const chunks = itemSizes.reduce((n, size) => n + Math.ceil(size / chunkSize), 0);
    byChunk.push({
      chunkKiB: chunkSize / KiB,
      transfersPerSample: r.transfersPerSample,
      rawMBps: r.mbps(r.fair),
      bareMBps: r.mbps(r.bare),
      stackMBps: r.mbps(r.stack),
      ratio: r.ratio,
      ratioInterquartile: r.ratioIqr,
      ratioConfidence90: r.ratioCi90,
      ratioVsBare: r.ratioVsBare,
      cpuRatio: r.cpuRatio,
      cpuRatioInterquartile: r.cpuRatioIqr,
      cpuRatioVsBare: r.cpuRatioVsBare,
      controlRatio: r.controlRatio,
      controlRatioInterquartile: r.controlRatioIqr,
      controlRatioConfidence90: r.controlRatioCi90,
      gapUs: Math.round(r.gapUs),
      ...(fixedUs !== undefined ? { fixedShareOfGap: round3(fixedUs / r.gapUs), perChunkUs: Number(((r.gapUs - fixedUs) / chunks).toFixed(2)) } : {}),
      ...(coldFixedUs !== undefined ? { coldFixedShareOfGap: round3(coldFixedUs / r.gapUs) } : {}),
    });
  }
  return { rounds: measuredRounds, sampling, jitWarmUp, fixedCosts, coldFixedCosts, byChunk };
}

/** Issue 12's throughput goals: fair-raw ÷ stack at least this, by read size in KiB. */
const RATIO_GOALS = new Map([[16, 0.9], [64, 0.97], [256, 0.97], [1024, 0.97]]);
/** ...and at least this many MB/s in memory at 256 KiB reads and up. */
const MBPS_GOAL = 2000;

/**
 * Which of issue 12's throughput goals the figures of one process met: each chunk size's ratio (its median; the
 * 90 % confidence interval beside it says how sure), and the in-memory rate at 256 KiB and up.
 */
function throughputGoals(byChunk) {
  const size = (kib) => (kib >= 1024 ? `${kib / 1024} MiB` : `${kib} KiB`);
  const goals = byChunk.map((c) => ({
    goal: `${size(c.chunkKiB)} ≥ ${RATIO_GOALS.get(c.chunkKiB).toFixed(2)}`,
    met: c.ratio >= RATIO_GOALS.get(c.chunkKiB),
    measured: c.ratio,
    confidence90: c.ratioConfidence90,
  }));
  const large = byChunk.filter((c) => c.chunkKiB >= 256);
  const slowest = Math.min(...large.map((c) => c.stackMBps));
  goals.push({ goal: `≥ ${MBPS_GOAL} MB/s at 256 KiB and up`, met: slowest >= MBPS_GOAL, measured: slowest });
  return goals;
}

/**
 * Measures every chunk size: in this process (Node's defaults, as users run),
 * and in a steady process of its own (see {@link STEADY_PROCESS}).
 * @param {{ quick?: boolean }} options
 */
export async function measureThroughput({ quick = false } = {}) {
  const { rounds, jitWarmUp, fixedCosts, coldFixedCosts, byChunk } = await measureByChunk({ quick });
  const steady = await runJsonChild(throughputChild, quick ? ['--quick'] : [], STEADY_PROCESS.nodeFlags, STEADY_PROCESS.env);
  const slowest = Math.min(...byChunk.map((c) => c.stackMBps));
  return {
    method: `8 items × 4 MiB per transfer, unlimited bus speed; first ${JIT_WARM_UP_TRANSFERS} one-item transfers per task to let V8 optimise every task's code, then per chunk size ${rounds} rounds (after 2 warm-up rounds) of one sample per task, in orders in which every task follows every other equally often (a Williams design), a sample being as many transfers back to back as last ${MIN_SAMPLE_MS} ms (transfersPerSample); ratio = median over rounds of fair-raw time ÷ stack time (1 = no overhead; fair raw = AbortSignal on every transferIn + the same counting Writable per item), with its interquartile range and the 90 % confidence interval of the median; ratioVsBare = the same against the bare transferIn loop; controlRatio = fair-raw time ÷ the time of an identical second fair-raw task run in the same rounds (the control: how far from 1 the method puts two equal tasks at that chunk size); cpuRatio = the same with the process's CPU time per task instead of wall time (what a preempted round does not distort); steady = the same in a fresh process with ${STEADY_PROCESS.nodeFlags.join(' ')} and glibc's allocator tuned (${shellEnv(STEADY_PROCESS.env)}), sampled with ${steady.rounds} rounds of one transfer per task`,
    ratio: Math.min(...byChunk.map((c) => c.ratio)),
    goals: throughputGoals(byChunk),
    ratioAt64KiB: byChunk.find((c) => c.chunkKiB === 64).ratio,
    byChunk,
    jitWarmUp,
    fixedCosts,
    coldFixedCosts,
    steady: { ...STEADY_PROCESS, rounds: steady.rounds, sampling: steady.sampling, ratio: Math.min(...steady.byChunk.map((c) => c.ratio)), jitWarmUp: steady.jitWarmUp, fixedCosts: steady.fixedCosts, coldFixedCosts: steady.coldFixedCosts, byChunk: steady.byChunk, goals: throughputGoals(steady.byChunk) },
    atUsb2: await measureAtUsb2(quick),
    headroom: { slowestStackMBps: slowest, timesUsb2: Math.round(slowest / BUS_RATES_MBPS.usb2HighSpeed), timesUsb3Practical: Number((slowest / BUS_RATES_MBPS.usb3Gen1Practical).toFixed(1)) },
  };
}
