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

/** What the three transfers share: the device, its transfer object and where lines go. */
interface DemoRig {
  transfer: ReturnType<WiaDevice['createTransfer']>;
  device: WiaDevice;
  driver: MemoryMiniDriver;
  options: DemoOptions;
  result: DemoReport;
}

/** Runs one download with `app`, prints and records it. */
async function download(rig: DemoRig, title: string, app: DemoCallback): Promise<{ report: TransferReport; transfer: DemoTransfer; settledAt: number }> {
  const started = performance.now();
  const report = await rig.transfer.transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
  const settledAt = performance.now();
  const transfer = describeTransfer(title, report, app, rig.driver, settledAt - started);
  printTransfer(rig.options.out, transfer);
  rig.result.transfers.push(transfer);
  checkIntact(transfer, rig.result.problems);
  return { report, transfer, settledAt };
}

/** 1) every page, skipping one with WIA_STATUS_SKIP_ITEM. */
async function skipOnePage(rig: DemoRig): Promise<void> {
  const skipPage = `Page${Math.min(3, rig.options.pages)}`;
  const title = `1) download every page, skipping ${skipPage} (WIA_STATUS_SKIP_ITEM from GetNextStream)`;
  rig.options.out(`\n${title}`);
  const { report } = await download(rig, title, callback(skipPage));
  if (report.outcome !== 'completed') rig.result.problems.push(`${title}: ended ${report.outcome}, expected completed`);
  const skipped = report.items.find((i) => i.itemName === skipPage)?.status;
  if (skipped !== 'skipped') rig.result.problems.push(`${title}: ${skipPage} was ${skipped ?? 'missing'}, expected skipped`);
}

/** 2) Cancel() in the middle of a page: the driver hears it once, no byte reaches the app after it. */
async function cancelMidPage(rig: DemoRig): Promise<void> {
  const { options, result } = rig;
  const cancelPage = `Page${Math.min(4, options.pages)}`;
  const title = `2) download again and Cancel() in the middle of ${cancelPage}`;
  options.out(`\n${title}`);
  let cancelledAt = 0;
  let bytesAtCancel = 0;
  const app: DemoCallback = callback(undefined, (item, bytes) => {
    if (item !== cancelPage || cancelledAt || bytes < (options.pageKiB * 1024) / 2) return;
    cancelledAt = performance.now();
    bytesAtCancel = [...app.sinks.values()].reduce((n, s) => n + s.bytes, 0);
    rig.transfer.Cancel();
  });
  let notifiedAt = 0;
  rig.device.once('cancelIo', () => (notifiedAt = performance.now()));
  const { report, settledAt } = await download(rig, title, app);
  const bytesAfter = [...app.sinks.values()].reduce((n, s) => n + s.bytes, 0) - bytesAtCancel;
  result.cancel = { cancelIoNotified: report.cancelIoNotified, notifiedAfterMs: notifiedAt - cancelledAt, settledAfterMs: settledAt - cancelledAt, bytesAfterCancel: bytesAfter, cancelDeviceCalls: rig.driver.log.cancelDeviceCalls };
  options.out(
    `  cancel: WIA_EVENT_CANCEL_IO ${report.cancelIoNotified ? 'sent once' : 'NOT sent'} after ${(notifiedAt - cancelledAt).toFixed(2)} ms, ` +
      `settled ${(settledAt - cancelledAt).toFixed(2)} ms after Cancel(), ${bytesAfter} bytes reached the app after it, ` +
      `device told to stop its job ${rig.driver.log.cancelDeviceCalls} time(s)`,
  );
  if (!cancelledAt) result.problems.push(`${title}: the transfer never reached the middle of ${cancelPage}, so nothing was cancelled`);
  if (report.outcome !== 'cancelled') result.problems.push(`${title}: ended ${report.outcome}, expected cancelled`);
  if (!report.cancelIoNotified) result.problems.push(`${title}: the driver was not sent WIA_EVENT_CANCEL_IO`);
  if (bytesAfter !== 0) result.problems.push(`${title}: ${bytesAfter} bytes reached the app after Cancel()`);
}

/** 3) after the cancel, the device is ready: every page again. */
async function readyAgain(rig: DemoRig): Promise<void> {
  const title = '3) the device is ready again: download every page';
  rig.options.out(`\n${title}`);
  const { report } = await download(rig, title, callback(undefined));
  if (report.outcome !== 'completed') rig.result.problems.push(`${title}: ended ${report.outcome}, expected completed`);
}

/**
 * Three transfers through the public API on an in-memory feeder — one with a
 * skipped page, one cancelled mid-page, and one after the cancel to show the
 * device is ready again. Prints as it goes through `out`, and returns what it
 * saw with every failed check named (no problems = all as the contract says).
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const pages = Array.from({ length: options.pages }, (_, i) => ({ name: `Page${i + 1}`, data: options.pageKiB * 1024 }));
  const driver = new MemoryMiniDriver({ items: pages, folderName: 'Feeder', feeder: true, readDelay: options.readDelayMs });
  const device = await WiaDevice.open(driver, { deviceId: 'mem:demo' });
  const rig: DemoRig = { transfer: device.createTransfer('Root\\Feeder'), device, driver, options, result: { transfers: [], cancel: null, problems: [] } };
  options.out(`OpenWIA demo: in-memory feeder "mem:demo" with ${options.pages} page${options.pages === 1 ? '' : 's'} of ${options.pageKiB} KiB`);
  await skipOnePage(rig);
  await cancelMidPage(rig);
  await readyAgain(rig);
  await device.close();
  const { problems } = rig.result;
  if (problems.length === 0) options.out('\ndemo finished: every transfer behaved as the contract says');
  else options.out(`\ndemo found ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return rig.result;
}
