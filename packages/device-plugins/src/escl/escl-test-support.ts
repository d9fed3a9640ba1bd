import { Writable } from 'node:stream';
import { S_OK, WIA_STATUS_SKIP_ITEM, WiaDevice, type HResult, type IWiaTransferCallback, type WiaTransferParams } from '@openwia/core';
import { createVirtualScanner, deviceTimeScale, type VirtualScanner, type VirtualScannerOptions } from '@openwia/testkit';
import { EsclScannerDriver } from './escl-scanner-driver.js';
import { DEFAULT_DRAIN_DEADLINE_MS, type IppUsbClientOptions } from './ipp-usb/ipp-usb-client.js';

/** Collects what an app received per item. */
export class PageSink extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    callback();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** A scanner, its driver and an open WIA device, for tests. */
export interface ScannerFixture {
  scanner: VirtualScanner;
  driver: EsclScannerDriver;
  device: WiaDevice;
}

/** Opens a virtual scanner through the plugin (small pages, unlimited speed unless told). */
export async function openScanner(options: VirtualScannerOptions = {}, ioOptions: IppUsbClientOptions = {}): Promise<ScannerFixture> {
  const scanner = createVirtualScanner({ maxWidth: 300, maxHeight: 400, resolutions: [75, 150, 300], ...options });
  const driver = new EsclScannerDriver(scanner.device.createTransport());
  // Over the real USB stack every 1 KiB chunk of a page costs a relay round trip: stretch the drain's deadline too.
  driver.ioOptions = { drainDeadlineMs: DEFAULT_DRAIN_DEADLINE_MS * deviceTimeScale(), ...ioOptions };
  const device = await WiaDevice.open(driver, { deviceId: 'sim:escl' });
  return { scanner, driver, device };
}

/** What an app saw during a transfer. */
export interface RecordedTransfer {
  pages: Map<string, PageSink>;
  messages: WiaTransferParams[];
  /** Item names in the order GetNextStream was asked for them. */
  asked: string[];
}

/** An app callback that records everything; `decide` may skip, cancel or act per item. */
export function recordingApp(decide: (itemName: string, recorded: RecordedTransfer) => HResult | undefined = () => undefined): { app: IWiaTransferCallback; recorded: RecordedTransfer } {
  const recorded: RecordedTransfer = { pages: new Map(), messages: [], asked: [] };
  const app: IWiaTransferCallback = {
    TransferCallback: (_flags, params) => {
      recorded.messages.push({ ...params });
      return S_OK;
    },
    GetNextStream: (_flags, itemName) => {
      recorded.asked.push(itemName);
      const hr = decide(itemName, recorded);
      if (hr !== undefined && hr !== S_OK) return { hr };
      const sink = new PageSink();
      recorded.pages.set(itemName, sink);
      return { hr: S_OK, stream: sink };
    },
  };
  return { app, recorded };
}

export { WIA_STATUS_SKIP_ITEM };
