import type { Readable, Writable } from 'node:stream';
import type { HResult } from '../hresult/index.js';
import type { WiaFormatInfo } from './interfaces.js';
import type { WiaTransferParams } from './messages.js';

/*
 * The app's side of the contract (WIA's IWiaTransferCallback and IWiaTransfer). It
 * lives with the driver's side because the engine, which sits between them,
 * may use the contract and nothing above it.
 */

/** What an app's `GetNextStream` answers. */
export interface WiaAppNextStream {
  /** `S_OK` with `stream`; `S_FALSE` cancels the transfer; `WIA_STATUS_SKIP_ITEM` skips this item. */
  hr: HResult;
  stream?: Writable;
}

/**
 * The app's side of a transfer (WIA's `IWiaTransferCallback`). Both methods
 * may be synchronous or return a promise; returning `S_FALSE` cancels.
 */
export interface IWiaTransferCallback {
  /** Receives `WIA_TRANSFER_MSG_*` messages. The final one is `END_OF_TRANSFER`, whose answer is ignored. */
  TransferCallback(lFlags: number, params: WiaTransferParams): HResult | Promise<HResult>;
  /** Supplies the destination of each downloaded item. */
  GetNextStream(lFlags: number, itemName: string, fullItemName: string): WiaAppNextStream | Promise<WiaAppNextStream>;
}

/**
 * A transfer on one item (WIA's `IWiaTransfer`). `Download` and `Upload`
 * resolve to `S_OK`, `WIA_STATUS_END_OF_MEDIA` (partial feeder batch) or
 * `S_FALSE` (cancelled) and reject with a `WiaError` on failure.
 */
export interface IWiaTransfer {
  Download(lFlags: number, callback: IWiaTransferCallback): Promise<HResult>;
  Upload(lFlags: number, source: Readable, callback: IWiaTransferCallback): Promise<HResult>;
  /** Cancels the transfer in progress; any time, any number of times; a no-op when none runs. */
  Cancel(): void;
  EnumWIA_FORMAT_INFO(): Promise<WiaFormatInfo[]>;
}
