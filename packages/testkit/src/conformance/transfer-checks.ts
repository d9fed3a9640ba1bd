import {
  S_FALSE,
  WIA_TRANSFER_MSG_DEVICE_STATUS,
  WIA_TRANSFER_MSG_END_OF_STREAM,
  WIA_TRANSFER_MSG_END_OF_TRANSFER,
  WIA_TRANSFER_MSG_STATUS,
  type WiaTransferParams,
} from '@openwia/core';
import { checkContract } from '../contract/index.js';
import type { TransferObservation } from './observed-transfer.js';

/** The app-visible cancellation contract (design.md rules 5, 7, 8, 9) and item data, for any finished transfer. */
export function contractProblems(o: TransferObservation): string[] {
  if (!o.report) return [o.error ?? 'the transfer did not run'];
  const problems = checkContract({ report: o.report, app: o.app, latchSeq: o.latchSeq, latchReason: o.latchReason, contentOf: o.contentOf });
  if (o.error) problems.unshift(o.error);
  return problems;
}

/** Bytes that reached the app's streams, over all items. */
export function bytesDelivered(o: TransferObservation): number {
  let total = 0;
  for (const sink of o.app.sinks.values()) total += sink.bytes;
  return total;
}

interface OpenItem {
  name: string;
  percent: number;
  bytes: number;
}

/**
 * WIA message order as the app sees it: each item's `GetNextStream`, then its
 * progress, then its `END_OF_STREAM` (carrying the bytes it delivered) before
 * the next item is asked for; progress within 0–100 and never going back;
 * every chunk between its item's stream request and end; `END_OF_TRANSFER`
 * once and last (checked by {@link contractProblems}).
 */
export function messageOrderProblems(o: TransferObservation): string[] {
  const problems: string[] = [];
  let open: OpenItem | undefined;
  const windows = new Map<string, { from: number; to: number }>();
  for (const call of o.app.calls) {
    if (call.kind === 'next-stream') {
      if (open) problems.push(`GetNextStream for ${call.itemName} came before END_OF_STREAM of ${open.name}`);
      const delivered = o.app.sinks.has(call.fullItemName);
      open = delivered ? { name: call.fullItemName, percent: 0, bytes: 0 } : undefined;
      if (delivered) windows.set(call.fullItemName, { from: call.seq, to: Infinity });
      continue;
    }
    const p = call.params;
    if (p.lMessage === WIA_TRANSFER_MSG_END_OF_TRANSFER) continue;
    if (!open) {
      // Device status (warming up, waiting for paper) may come at any time; anything else belongs to an item.
      if (p.lMessage !== WIA_TRANSFER_MSG_DEVICE_STATUS) problems.push(`message ${p.lMessage} arrived outside any item`);
      continue;
    }
    if (p.lMessage === WIA_TRANSFER_MSG_STATUS) problems.push(...progressProblems(open, p));
    if (p.lMessage === WIA_TRANSFER_MSG_END_OF_STREAM) {
      const sink = o.app.sinks.get(open.name);
      if (sink && p.ulTransferredBytes !== sink.bytes) problems.push(`END_OF_STREAM of ${open.name} reports ${p.ulTransferredBytes} bytes, the app received ${sink.bytes}`);
      windows.get(open.name)!.to = call.seq;
      open = undefined;
    }
  }
  for (const [name, sink] of o.app.sinks) {
    const window = windows.get(name);
    if (window && sink.chunks.some((c) => c.seq < window.from || c.seq > window.to)) problems.push(`bytes of ${name} arrived outside its stream's lifetime`);
  }
  return problems.slice(0, 5);
}

function progressProblems(open: OpenItem, p: WiaTransferParams): string[] {
  const problems: string[] = [];
  if (!(p.lPercentComplete >= 0 && p.lPercentComplete <= 100)) problems.push(`progress of ${open.name} is ${p.lPercentComplete}%`);
  if (p.lPercentComplete < open.percent) problems.push(`progress of ${open.name} went back from ${open.percent}% to ${p.lPercentComplete}%`);
  if (p.ulTransferredBytes < open.bytes) problems.push(`transferred bytes of ${open.name} went back from ${open.bytes} to ${p.ulTransferredBytes}`);
  open.percent = Math.max(open.percent, p.lPercentComplete);
  open.bytes = Math.max(open.bytes, p.ulTransferredBytes);
  return problems;
}

/** A transfer that should have completed: outcome, every item whole, at least `minItems`, in WIA order. */
export function completedProblems(o: TransferObservation, minItems: number): string[] {
  const problems = contractProblems(o);
  const report = o.report;
  if (!report) return problems;
  if (report.outcome !== 'completed') problems.push(`the outcome is ${report.outcome}${report.error ? ` (${report.error.message})` : ''}, not completed`);
  const transferred = report.items.filter((i) => i.status === 'transferred');
  if (transferred.length < minItems) problems.push(`${transferred.length} item(s) transferred, at least ${minItems} expected`);
  for (const item of report.items) {
    if (item.status !== 'transferred') problems.push(`${item.fullItemName} ended ${item.status}`);
    const sink = o.app.sinks.get(item.fullItemName);
    if (item.status === 'transferred' && sink && sink.bytes !== item.bytes) problems.push(`${item.fullItemName}: the app received ${sink.bytes} bytes, the engine counted ${item.bytes}`);
  }
  problems.push(...messageOrderProblems(o));
  return problems;
}

/** A transfer that should have ended cancelled (S_FALSE) with every contract rule intact. */
export function cancelledProblems(o: TransferObservation): string[] {
  const problems = contractProblems(o);
  if (o.report && o.report.outcome !== 'cancelled') problems.push(`the outcome is ${o.report.outcome}, not cancelled`);
  if (o.report && o.report.outcome === 'cancelled' && o.report.hresult !== S_FALSE) problems.push('a cancelled transfer must end with S_FALSE');
  return problems;
}

/** Whether item contents could be compared with what the device served. */
export function contentChecked(o: TransferObservation): boolean {
  return (o.report?.items ?? []).some((i) => o.contentOf(i.fullItemName) !== undefined);
}
