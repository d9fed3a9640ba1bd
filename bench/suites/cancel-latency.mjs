// Cancel latency: with a read genuinely in flight (the device NAKs forever),
// the time from IWiaTransfer::Cancel() to WIA_EVENT_CANCEL_IO at the driver
// ("notify") and to the transfer settled ("settled"), over many cancels; for
// a conforming plugin and for one that ignores its signal (the watchdog
// path). Also the transport alone: how fast an aborted transferIn settles
// (folded in from the transport work's usb-abort-latency.mjs).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { WIA_TRANSFER_ACQUIRE_CHILDREN, S_FALSE } from '@openwia/core';
import { EXAMPLE_ENDPOINTS, createExampleBulkDevice } from '@openwia/testkit';
import { countingApp } from '../lib/counting-app.mjs';
import { ITEM_STREAM } from '../lib/item-stream-device.mjs';
import { openRig } from '../lib/rig.mjs';
import { summarize } from '../lib/stats.mjs';

/** The watchdog grace period the bench configures (the default is 2 s; a short one keeps 1 000 cancels quick). */
export const BENCH_GRACE_MS = 20;

/** A promise with its resolve exposed, renewed per transfer. */
function signalOnce() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

/** Cancels `runs` transfers, each while its first read waits on a NAK-forever endpoint. */
async function cancelRuns(behaviour, runs) {
  let readStarted = signalOnce();
  let cancelIoAt = NaN;
  const rig = await openRig({
    itemSizes: [1024 * 1024],
    behaviour,
    hang: true,
    graceMs: BENCH_GRACE_MS,
    hooks: { onReadStarted: () => readStarted.resolve(), onCancelIo: () => (cancelIoAt = performance.now()) },
  });
  rig.device.faults.nakForever(ITEM_STREAM.dataIn);
  const notify = [];
  const settled = [];
  /** Per sample: did the OS preempt the process (an involuntary context switch) between Cancel() and settled? */
  const preempted = [];
  let nonConforming = 0;
  rig.wia.on('nonConforming', () => nonConforming++);
  for (let i = 0; i < runs; i++) {
    readStarted = signalOnce();
    cancelIoAt = NaN;
    const transfer = rig.wia.createTransfer(rig.folder);
    const done = transfer.Download(WIA_TRANSFER_ACQUIRE_CHILDREN, countingApp());
    await readStarted.promise;
    await nextTurn(); // the read is parked in the simulated port now, not just submitted
    const switchesBefore = process.resourceUsage().involuntaryContextSwitches;
    const t0 = performance.now();
    transfer.Cancel();
    const hr = await done;
    const t1 = performance.now();
    preempted.push(process.resourceUsage().involuntaryContextSwitches > switchesBefore);
    if (hr !== S_FALSE) throw new Error(`cancel run ${i} ended with 0x${hr.toString(16)}, not S_FALSE`);
    notify.push(cancelIoAt - t0);
    settled.push(t1 - t0);
  }
  await rig.close();
  const quiet = (samples) => samples.filter((_, i) => !preempted[i]);
  return {
    notify: summarize(notify),
    settled: summarize(settled),
    nonConformingReports: nonConforming,
    samplesWithContextSwitch: preempted.filter(Boolean).length,
    withoutContextSwitch: { notify: summarize(quiet(notify)), settled: summarize(quiet(settled)) },
  };
}

/** An abort of a read that would never complete, on the transport alone. */
async function transportAbort(speed, runs) {
  const device = createExampleBulkDevice({ speed });
  device.faults.nakForever(EXAMPLE_ENDPOINTS.bulkIn);
  const usb = device.createTransport();
  await usb.open();
  await usb.claimInterface(0);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const controller = new AbortController();
    const read = usb.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 65536, { signal: controller.signal });
    await nextTurn();
    const t0 = performance.now();
    controller.abort();
    await read.catch(() => undefined);
    samples.push(performance.now() - t0);
  }
  await usb.close();
  return summarize(samples);
}

/**
 * @param {{ quick?: boolean }} options
 */
export async function measureCancelLatency({ quick = false } = {}) {
  const runs = quick ? 200 : 1000;
  const conforming = await cancelRuns('conforming', runs);
  const watchdog = await cancelRuns('ignore-signal', runs);
  return {
    method: `${runs} cancels per plugin, each with a read in flight on a NAK-forever bulk endpoint (unlimited speed); ms from Cancel() to WIA_EVENT_CANCEL_IO at the driver (notify) and to Download() resolving S_FALSE (settled); samplesWithContextSwitch counts samples during which process.resourceUsage() saw an involuntary context switch (OS preemption on a shared machine), and withoutContextSwitch gives the percentiles of the others`,
    graceMs: BENCH_GRACE_MS,
    notify: conforming.notify,
    settled: conforming.settled,
    samplesWithContextSwitch: conforming.samplesWithContextSwitch,
    withoutContextSwitch: conforming.withoutContextSwitch,
    conformingReportedNonConforming: conforming.nonConformingReports,
    watchdog: { ...watchdog, settledBeyondGrace: { p50: Number((watchdog.settled.p50 - BENCH_GRACE_MS).toFixed(3)), max: Number((watchdog.settled.max - BENCH_GRACE_MS).toFixed(3)) } },
    transportAbort: { unlimited: await transportAbort('unlimited', runs), usb2: await transportAbort('usb2', runs) },
  };
}
