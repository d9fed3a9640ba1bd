import {
  S_FALSE,
  WIA_ERROR_OFFLINE,
  WIA_TRANSFER_MSG_END_OF_TRANSFER,
  type LatchReason,
  type TransferReport,
} from '@openwia/core';
import type { RecordingTransferCallback } from '../recording/index.js';
import type { ScriptedDriverLog } from '../scripted-driver/index.js';

/** What the contract checks compare. */
export interface ContractObservation {
  report: TransferReport;
  app: RecordingTransferCallback;
  /** The sequence number at which the engine latched, if it did. */
  latchSeq: number | undefined;
  latchReason: LatchReason | undefined;
  /** The driver's log, when the driver keeps one. */
  driverLog?: ScriptedDriverLog;
  /** The full content of an item by its full name, for data checks. */
  contentOf?: (fullItemName: string) => Buffer | undefined;
}

/**
 * Checks one finished transfer against every rule of the cancellation
 * contract (design.md). Returns the broken rules, empty when all hold.
 */
export function checkContract(o: ContractObservation): string[] {
  return [...checkFinalCallback(o), ...checkBytesAfterOutcome(o), ...checkNothingAfterLatch(o), ...checkDriverAnswers(o), ...checkOutcome(o), ...checkItems(o), ...checkEndedItemsKept(o)];
}

function checkFinalCallback({ app, report }: ContractObservation): string[] {
  const problems: string[] = [];
  const finals = app.calls.filter((c) => c.kind === 'message' && c.params.lMessage === WIA_TRANSFER_MSG_END_OF_TRANSFER);
  if (finals.length !== 1) problems.push(`rule 5: END_OF_TRANSFER was sent ${finals.length} times, not once`);
  const last = app.calls[app.calls.length - 1];
  if (finals.length === 1 && last !== finals[0]) problems.push('rule 5: END_OF_TRANSFER was not the last callback');
  const final = finals[0];
  if (final?.kind === 'message' && final.params.hrErrorStatus !== report.hresult) {
    problems.push(`rule 8: END_OF_TRANSFER says 0x${final.params.hrErrorStatus.toString(16)} but the outcome is 0x${report.hresult.toString(16)}`);
  }
  return problems;
}

/**
 * Bytes after the outcome (docs/cancellation.md): no chunk reaches an app
 * stream's `_write` after END_OF_TRANSFER, and each item's reported bytes are
 * exactly what its stream accepted.
 */
function checkBytesAfterOutcome({ app, report }: ContractObservation): string[] {
  const problems: string[] = [];
  const final = app.calls.find((c) => c.kind === 'message' && c.params.lMessage === WIA_TRANSFER_MSG_END_OF_TRANSFER);
  for (const [name, sink] of app.sinks) {
    const late = final ? sink.consumedSeqs.filter((seq) => seq > final.seq).length : 0;
    if (late) problems.push(`outcome: ${late} chunk(s) of ${name} reached the app stream's _write after END_OF_TRANSFER`);
    const item = report.items.find((i) => i.fullItemName === name);
    if (item && item.status !== 'skipped' && item.bytes !== sink.acceptedBytes) problems.push(`outcome: ${name} reports ${item.bytes} byte(s) but its stream accepted ${sink.acceptedBytes}`);
  }
  return problems;
}

function checkNothingAfterLatch({ app, latchSeq }: ContractObservation): string[] {
  if (latchSeq === undefined) return [];
  const problems: string[] = [];
  const late = app.calls.filter((c) => c.seq > latchSeq && !(c.kind === 'message' && c.params.lMessage === WIA_TRANSFER_MSG_END_OF_TRANSFER));
  if (late.length) problems.push(`rule 5: ${late.length} app callback(s) after the latch (first: ${JSON.stringify(late[0])})`);
  for (const [name, sink] of app.sinks) {
    const lateBytes = sink.chunks.filter((c) => c.seq > latchSeq).reduce((n, c) => n + c.bytes.length, 0);
    if (lateBytes) problems.push(`rule 5: ${lateBytes} byte(s) of ${name} reached the app after the latch`);
  }
  return problems;
}

function checkDriverAnswers({ driverLog, latchSeq, latchReason }: ContractObservation): string[] {
  if (!driverLog) return [];
  const problems: string[] = [];
  if (driverLog.cancelIo.length > 1) problems.push(`rule 3: WIA_EVENT_CANCEL_IO sent ${driverLog.cancelIo.length} times`);
  if (latchReason === 'device-lost' && driverLog.cancelIo.length) problems.push('unplug: the driver of a disconnected device was sent WIA_EVENT_CANCEL_IO');
  if (latchSeq === undefined) {
    if (driverLog.cancelIo.length) problems.push('rule 3: WIA_EVENT_CANCEL_IO sent without a cancel');
    return problems;
  }
  // A call in flight when the latch closed may carry an answer decided just before it; every call made after it must get S_FALSE.
  const wrong = driverLog.callbacks.filter((c) => c.calledSeq > latchSeq && c.hr !== S_FALSE);
  if (wrong.length) problems.push(`rule 4: ${wrong.length} driver callback(s) made after the latch answered without S_FALSE`);
  return problems;
}

function checkOutcome({ report, latchReason, app }: ContractObservation): string[] {
  const problems: string[] = [];
  if (latchReason === 'cancel' && report.outcome !== 'cancelled') problems.push(`rule 8: latched as cancelled but the outcome is ${report.outcome}`);
  if (latchReason === 'app-error' && report.outcome !== 'failed') problems.push(`rule 9: the app side failed but the outcome is ${report.outcome}`);
  if (latchReason === 'device-lost' && (report.outcome !== 'failed' || report.hresult !== WIA_ERROR_OFFLINE)) {
    problems.push(`rule 9: the device was unplugged but the outcome is ${report.outcome} (0x${(report.hresult >>> 0).toString(16)}), not failed with WIA_ERROR_OFFLINE`);
  }
  if ((report.outcome === 'failed' || report.outcome === 'no-media') && !report.error) problems.push('rule 9: a failed transfer carries no WiaError');
  if (report.outcome === 'cancelled' && report.hresult !== S_FALSE) problems.push('rule 8: a cancelled transfer must report S_FALSE');
  if (app.cancelSeq !== undefined && latchReason === undefined && report.outcome === 'cancelled' && !report.violations.length) {
    // a cancel the engine never latched can only be one that came after completion
    problems.push('rule 2: the app cancelled but the engine never latched');
  }
  return problems;
}

function checkItems({ report, app, contentOf }: ContractObservation): string[] {
  const problems: string[] = [];
  for (const item of report.items) {
    const sink = app.sinks.get(item.fullItemName);
    const content = contentOf?.(item.fullItemName);
    if (item.status === 'skipped') {
      if (sink?.bytes) problems.push(`rule 7: ${sink.bytes} byte(s) of skipped ${item.fullItemName} reached the app`);
      continue;
    }
    if (!sink || !content) continue;
    const received = sink.data;
    if (item.status === 'transferred' && !received.equals(content)) problems.push(`data: ${item.fullItemName} arrived incomplete or corrupt (${received.length}/${content.length} bytes)`);
    if (item.status !== 'transferred' && !content.subarray(0, received.length).equals(received)) problems.push(`data: the partial ${item.fullItemName} is not a prefix of the item`);
  }
  problems.push(...checkSkippedItemsSilent(app));
  return problems;
}

/**
 * Rule 8: an item is whole once the driver ended its stream and the app's stream processed every byte — a
 * cancel or failure after that does not take it back.
 */
function checkEndedItemsKept({ report, driverLog, latchSeq }: ContractObservation): string[] {
  const problems: string[] = [];
  for (const { item, finishedSeq } of driverLog?.ended ?? []) {
    if (latchSeq !== undefined && finishedSeq > latchSeq) continue;
    const status = report.items.find((i) => i.fullItemName === item)?.status;
    if (status !== 'transferred') problems.push(`rule 8: the driver ended ${item}'s stream and the app processed it before ${latchSeq === undefined ? 'the outcome' : 'the latch'}, but it is reported ${status}`);
  }
  return problems;
}

/** Between a skipped item's GetNextStream and the next item's, the app hears nothing of it. */
function checkSkippedItemsSilent(app: RecordingTransferCallback): string[] {
  const skipped = new Set(app.skippedSeqs);
  let inSkipped = false;
  for (const call of app.calls) {
    if (call.kind === 'next-stream') inSkipped = skipped.has(call.seq);
    else if (inSkipped && call.params.lMessage !== WIA_TRANSFER_MSG_END_OF_TRANSFER) return [`rule 7: message ${call.params.lMessage} of a skipped item reached the app`];
  }
  return [];
}
