import type { HResult, WiaError } from '../hresult/index.js';

/**
 * How a transfer ended, keeping apart what WIA drivers often collapse into
 * `E_FAIL`: every page, some pages of a feeder batch, no page at all
 * (feeder empty), cancelled, failed.
 */
export type TransferOutcome = 'completed' | 'completed-partial' | 'no-media' | 'cancelled' | 'failed';

/** What happened to one item of a transfer. */
export type TransferItemStatus = 'transferred' | 'skipped' | 'cancelled' | 'failed';

export interface TransferItemResult {
  itemName: string;
  fullItemName: string;
  status: TransferItemStatus;
  /** Bytes delivered to the app's stream (0 for a skipped item). */
  bytes: number;
}

/** A way a driver broke the contract; the engine contained it, the conformance suite reports it. */
export type ContractViolationKind =
  /** The driver did not settle within the grace period after a cancel (or a hung call). */
  | 'ignored-cancel'
  /** The driver wrote to an item stream after the transfer was latched (the bytes were discarded). */
  | 'write-after-cancel'
  /** The driver called back after the transfer had settled. */
  | 'call-after-settle'
  /** A driver method threw where it must not (`drvNotifyPnPEvent`, `drvUnLockWiaDevice`). */
  | 'threw';

export interface ContractViolation {
  kind: ContractViolationKind;
  /** Which driver method or phase. */
  phase: string;
  detail: string;
}

/** The full account of one transfer. */
export interface TransferReport {
  outcome: TransferOutcome;
  /** `S_OK`, `WIA_STATUS_END_OF_MEDIA`, `S_FALSE`, or the failure's HRESULT. */
  hresult: HResult;
  /** Set for `failed` and `no-media`. */
  error?: WiaError;
  /** Items in the order the driver asked for them. */
  items: TransferItemResult[];
  /** Bytes delivered to the app over all items. */
  bytes: number;
  /** `true` when the driver was sent `WIA_EVENT_CANCEL_IO` (never more than once). */
  cancelIoNotified: boolean;
  /** Set when a watchdog had to give up on the driver: the device must be reset before its next use. */
  deviceNeedsReset: boolean;
  violations: ContractViolation[];
}
