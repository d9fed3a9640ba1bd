import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  S_OK,
  WIA_STATUS_SKIP_ITEM,
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WIA_TRANSFER_MSG_STATUS,
  WiaDevice,
  hresultName,
  type IWiaTransferCallback,
  type TransferReport,
} from '@openwia/core';
import { MemoryMiniDriver } from '@openwia/testkit';

/** Options of the demo. */
export interface DemoOptions {
  pages: number;
  pageKiB: number;
  /** Milliseconds each 64 KiB read takes on the in-memory device. */
  readDelayMs: number;
  out: (line: string) => void;
}

/** A destination that hashes what it receives. */
class HashingSink extends Writable {
  private readonly hash = createHash('sha256');
  bytes = 0;
  override _write(chunk: Buffer, _e: BufferEncoding, done: () => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done();
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

interface DemoCallback extends IWiaTransferCallback {
  sinks: Map<string, HashingSink>;
}

function callback(skip: string | undefined, onProgress?: (item: string, bytes: number) => void): DemoCallback {
  const sinks = new Map<string, HashingSink>();
  let current = '';
  return {
    sinks,
    TransferCallback: (_flags, params) => {
      if (params.lMessage === WIA_TRANSFER_MSG_STATUS) onProgress?.(current, params.ulTransferredBytes);
      return S_OK;
    },
    GetNextStream: (_flags, itemName) => {
      current = itemName;
      if (itemName === skip) return { hr: WIA_STATUS_SKIP_ITEM };
      const sink = new HashingSink();
      sinks.set(itemName, sink);
      return { hr: S_OK, stream: sink };
    },
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** One item of one demo transfer. */
export interface DemoItem {
  item: string;
  status: string;
  bytes: number;
  /** Whether the bytes the app received hash the same as the device's (transferred items only). */
  intact: boolean | null;
}

/** One of the demo's three transfers. */
export interface DemoTransfer {
  title: string;
  outcome: string;
  hresult: string;
  bytes: number;
  ms: number;
  items: DemoItem[];
}

/** What `openwia demo` found: each transfer, and every check that failed (none = as the contract says). */
export interface DemoReport {
  transfers: DemoTransfer[];
  cancel: { cancelIoNotified: boolean; notifiedAfterMs: number; settledAfterMs: number; bytesAfterCancel: number; cancelDeviceCalls: number } | null;
  problems: string[];
}

function describeTransfer(title: string, report: TransferReport, app: DemoCallback, driver: MemoryMiniDriver, ms: number): DemoTransfer {
  const items = report.items.map((item) => {
    const sink = app.sinks.get(item.itemName);
    const intact = item.status === 'transferred' && sink ? sink.digest() === sha256(driver.contentOf(item.itemName)) : null;
    return { item: item.itemName, status: item.status, bytes: item.bytes, intact };
  });
  return { title, outcome: report.outcome, hresult: hresultName(report.hresult), bytes: report.bytes, ms, items };
}

function printTransfer(out: (line: string) => void, t: DemoTransfer): void {
  for (const item of t.items) {
    const intact = item.intact === null ? '' : item.intact ? 'sha256 ok' : 'sha256 MISMATCH';
    out(`  ${item.item.padEnd(7)} ${item.status.padEnd(12)} ${String(item.bytes).padStart(8)} bytes  ${intact}`.trimEnd());
  }
  out(`  outcome: ${t.outcome} (${t.hresult}), ${t.bytes} bytes in ${t.ms.toFixed(1)} ms`);
}

/** The checks every transfer must pass: each failed one, named. */
function checkIntact(t: DemoTransfer, problems: string[]): void {
  for (const item of t.items) if (item.intact === false) problems.push(`${t.title}: ${item.item} arrived with different bytes than the device holds`);
}

/**
 * Three transfers through the public API on an in-memory feeder — one with a
 * skipped page, one cancelled mid-page, and one after the cancel to show the
 * device is ready again. Prints as it goes through `out`, and returns what it
 * saw with every failed check named (no problems = all as the contract says).
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const { out } = options;
  const pages = Array.from({ length: options.pages }, (_, i) => ({ name: `Page${i + 1}`, data: options.pageKiB * 1024 }));
  const driver = new MemoryMiniDriver({ items: pages, folderName: 'Feeder', feeder: true, readDelay: options.readDelayMs });
  const device = await WiaDevice.open(driver, { deviceId: 'mem:demo' });
  const transfer = device.createTransfer('Root\\Feeder');
  const result: DemoReport = { transfers: [], cancel: null, problems: [] };
  const problems = result.problems;
  const page = (n: number): string => `page${n === 1 ? '' : 's'}`;
  out(`OpenWIA demo: in-memory feeder "mem:demo" with ${options.pages} ${page(options.pages)} of ${options.pageKiB} KiB`);

  const skipPage = `Page${Math.min(3, options.pages)}`;
  const first = `1) download every page, skipping ${skipPage} (WIA_STATUS_SKIP_ITEM from GetNextStream)`;
  out(`\n${first}`);
  let app = callback(skipPage);
  let started = performance.now();
  let report = await transfer.transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
  let t = describeTransfer(first, report, app, driver, performance.now() - started);
  printTransfer(out, t);
  result.transfers.push(t);
  checkIntact(t, problems);
  if (report.outcome !== 'completed') problems.push(`${first}: ended ${report.outcome}, expected completed`);
  const skipped = report.items.find((i) => i.itemName === skipPage)?.status;
  if (skipped !== 'skipped') problems.push(`${first}: ${skipPage} was ${skipped ?? 'missing'}, expected skipped`);

  const cancelPage = `Page${Math.min(4, options.pages)}`;
  const second = `2) download again and Cancel() in the middle of ${cancelPage}`;
  out(`\n${second}`);
  let cancelledAt = 0;
  let bytesAtCancel = 0;
  app = callback(undefined, (item, bytes) => {
    if (item !== cancelPage || cancelledAt || bytes < (options.pageKiB * 1024) / 2) return;
    cancelledAt = performance.now();
    bytesAtCancel = [...app.sinks.values()].reduce((n, s) => n + s.bytes, 0);
    transfer.Cancel();
  });
  let notifiedAt = 0;
  device.once('cancelIo', () => (notifiedAt = performance.now()));
  started = performance.now();
  report = await transfer.transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
  const settledAt = performance.now();
  t = describeTransfer(second, report, app, driver, settledAt - started);
  printTransfer(out, t);
  result.transfers.push(t);
  const bytesAfter = [...app.sinks.values()].reduce((n, s) => n + s.bytes, 0) - bytesAtCancel;
  result.cancel = { cancelIoNotified: report.cancelIoNotified, notifiedAfterMs: notifiedAt - cancelledAt, settledAfterMs: settledAt - cancelledAt, bytesAfterCancel: bytesAfter, cancelDeviceCalls: driver.log.cancelDeviceCalls };
  out(
    `  cancel: WIA_EVENT_CANCEL_IO ${report.cancelIoNotified ? 'sent once' : 'NOT sent'} after ${(notifiedAt - cancelledAt).toFixed(2)} ms, ` +
      `settled ${(settledAt - cancelledAt).toFixed(2)} ms after Cancel(), ${bytesAfter} bytes reached the app after it, ` +
      `device told to stop its job ${driver.log.cancelDeviceCalls} time(s)`,
  );
  if (!cancelledAt) problems.push(`${second}: the transfer never reached the middle of ${cancelPage}, so nothing was cancelled`);
  if (report.outcome !== 'cancelled') problems.push(`${second}: ended ${report.outcome}, expected cancelled`);
  if (!report.cancelIoNotified) problems.push(`${second}: the driver was not sent WIA_EVENT_CANCEL_IO`);
  if (bytesAfter !== 0) problems.push(`${second}: ${bytesAfter} bytes reached the app after Cancel()`);

  const third = '3) the device is ready again: download every page';
  out(`\n${third}`);
  app = callback(undefined);
  started = performance.now();
  report = await transfer.transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
  t = describeTransfer(third, report, app, driver, performance.now() - started);
  printTransfer(out, t);
  result.transfers.push(t);
  checkIntact(t, problems);
  if (report.outcome !== 'completed') problems.push(`${third}: ended ${report.outcome}, expected completed`);

  await device.close();
  if (problems.length === 0) out('\ndemo finished: every transfer behaved as the contract says');
  else out(`\ndemo found ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return result;
}
