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

function printReport(out: (line: string) => void, report: TransferReport, app: DemoCallback, driver: MemoryMiniDriver, ms: number): void {
  for (const item of report.items) {
    const sink = app.sinks.get(item.itemName);
    const intact = item.status === 'transferred' && sink ? (sink.digest() === sha256(driver.contentOf(item.itemName)) ? 'sha256 ok' : 'sha256 MISMATCH') : '';
    out(`  ${item.itemName.padEnd(7)} ${item.status.padEnd(12)} ${String(item.bytes).padStart(8)} bytes  ${intact}`.trimEnd());
  }
  out(`  outcome: ${report.outcome} (${hresultName(report.hresult)}), ${report.bytes} bytes in ${ms.toFixed(1)} ms`);
}

/**
 * The demo behind `npm start` until device acquisition lands in the CLI: three
 * transfers through the public API on an in-memory feeder — one with a skipped
 * page, one cancelled mid-page, and one after the cancel to show the device is
 * ready again. Returns the number of problems seen (0 = all as expected).
 */
export async function runDemo(options: DemoOptions): Promise<number> {
  const { out } = options;
  const pages = Array.from({ length: options.pages }, (_, i) => ({ name: `Page${i + 1}`, data: options.pageKiB * 1024 }));
  const driver = new MemoryMiniDriver({ items: pages, folderName: 'Feeder', feeder: true, readDelay: options.readDelayMs });
  const device = await WiaDevice.open(driver, { deviceId: 'mem:demo' });
  const transfer = device.createTransfer('Root\\Feeder');
  let problems = 0;
  out(`OpenWIA demo: in-memory feeder "mem:demo" with ${options.pages} pages of ${options.pageKiB} KiB`);

  out('\n1) download every page, skipping Page3 (WIA_STATUS_SKIP_ITEM from GetNextStream)');
  let app = callback('Page3');
  let started = performance.now();
  let report = await transfer.transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
  printReport(out, report, app, driver, performance.now() - started);
  if (report.outcome !== 'completed' || report.items.find((i) => i.itemName === 'Page3')?.status !== 'skipped') problems++;

  const cancelPage = `Page${Math.min(4, options.pages)}`;
  out(`\n2) download again and Cancel() in the middle of ${cancelPage}`);
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
  printReport(out, report, app, driver, settledAt - started);
  const bytesAfter = [...app.sinks.values()].reduce((n, s) => n + s.bytes, 0) - bytesAtCancel;
  out(
    `  cancel: WIA_EVENT_CANCEL_IO ${report.cancelIoNotified ? 'sent once' : 'NOT sent'} after ${(notifiedAt - cancelledAt).toFixed(2)} ms, ` +
      `settled ${(settledAt - cancelledAt).toFixed(2)} ms after Cancel(), ${bytesAfter} bytes reached the app after it, ` +
      `device told to stop its job ${driver.log.cancelDeviceCalls} time(s)`,
  );
  if (report.outcome !== 'cancelled' || !report.cancelIoNotified || bytesAfter !== 0) problems++;

  out('\n3) the device is ready again: download every page');
  app = callback(undefined);
  started = performance.now();
  report = await transfer.transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
  printReport(out, report, app, driver, performance.now() - started);
  if (report.outcome !== 'completed') problems++;

  await device.close();
  out(`\ndemo ${problems === 0 ? 'finished: every transfer behaved as the contract says' : `found ${problems} problem(s)`}`);
  return problems;
}
