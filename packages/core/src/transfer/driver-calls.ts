import {
  HResult,
  S_FALSE,
  S_OK,
  WIA_ERROR_EXCEPTION_IN_DRIVER,
  WIA_ERROR_INVALID_DRIVER_RESPONSE,
  WIA_STATUS_END_OF_MEDIA,
  WiaError,
  failed,
  hresultName,
} from '../hresult/index.js';
import {
  WIA_IPA_BUFFER_SIZE,
  WIA_IPS_TRANSFER_CAPABILITIES,
  WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN,
  WIA_MINIDRV_TRANSFER_DOWNLOAD,
  WIA_MINIDRV_TRANSFER_UPLOAD,
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WIA_TRANSFER_CHILDREN_SINGLE_SCAN,
  type WiaDrvItem,
} from '../minidriver/index.js';
import type { GuardedCall } from './driver-guard.js';

/** Default read size when an item has no `WIA_IPA_BUFFER_SIZE`. */
export const DEFAULT_BUFFER_SIZE = 64 * 1024;

/** The success codes `drvAcquireItemData` may resolve with; any other is an invalid driver response. */
const ACQUIRE_SUCCESS_CODES: ReadonlySet<HResult> = new Set([S_OK, S_FALSE, WIA_STATUS_END_OF_MEDIA]);

/**
 * One `drvAcquireItemData` call of a transfer. A class, not a literal: the plan
 * lives for the whole transfer (see abort/transfer-scoped.ts).
 */
export class DriverCall {
  constructor(
    readonly item: WiaDrvItem,
    readonly flags: number,
  ) {}
}

/** What the driver side said, when it said anything conclusive. */
export type DriverVerdict = { kind: 'status'; hr: HResult } | { kind: 'cancelled' } | { kind: 'error'; error: WiaError };

/**
 * The verdicts that carry no error, made once: a status verdict is kept until
 * the next item's, across that item's reads, and a literal would be
 * pretenured (see abort/transfer-scoped.ts).
 */
const CANCELLED: DriverVerdict = Object.freeze({ kind: 'cancelled' });
const STATUS_VERDICTS: ReadonlyMap<HResult, DriverVerdict> = new Map(
  [S_OK, WIA_STATUS_END_OF_MEDIA].map((hr) => [hr, Object.freeze({ kind: 'status', hr })]),
);

/** The verdict for a success status `drvAcquireItemData` may return (S_OK or WIA_STATUS_END_OF_MEDIA). */
export function statusVerdict(hr: HResult): DriverVerdict {
  const verdict = STATUS_VERDICTS.get(hr);
  if (!verdict) throw new RangeError(`${hresultName(hr)} is not a transfer status`);
  return verdict;
}

/** A driver's throw as a typed error (rule 9). */
export function driverError(thrown: unknown, phase: string): WiaError {
  return WiaError.from(thrown, WIA_ERROR_EXCEPTION_IN_DRIVER, `${phase} threw`);
}

/**
 * What a `drvAcquireItemData` call amounts to: `S_OK` and
 * `WIA_STATUS_END_OF_MEDIA` are statuses, `S_FALSE` (or an abandoned call) a
 * cancel, a failure code or a throw an error — and anything else (not an
 * integer, or a success code WIA does not define for it, e.g. `12345`) is
 * `WIA_ERROR_INVALID_DRIVER_RESPONSE`, never passed through to the app.
 */
export function judgeAcquire(acquired: GuardedCall<HResult>): DriverVerdict {
  if (acquired.kind === 'abandoned') return CANCELLED;
  if (acquired.kind === 'threw') return { kind: 'error', error: driverError(acquired.error, 'drvAcquireItemData') };
  const hr = acquired.value;
  if (typeof hr !== 'number' || !Number.isInteger(hr)) {
    return { kind: 'error', error: new WiaError(WIA_ERROR_INVALID_DRIVER_RESPONSE, `drvAcquireItemData resolved to ${String(hr)}, not an HRESULT`) };
  }
  if (failed(hr)) return { kind: 'error', error: new WiaError(hr, `drvAcquireItemData failed`) };
  if (!ACQUIRE_SUCCESS_CODES.has(hr)) {
    return { kind: 'error', error: new WiaError(WIA_ERROR_INVALID_DRIVER_RESPONSE, `drvAcquireItemData resolved to ${hresultName(hr)}, not S_OK, S_FALSE or WIA_STATUS_END_OF_MEDIA`) };
  }
  if (hr === S_FALSE) return CANCELLED;
  return statusVerdict(hr);
}

/** Folder transfers: one call with ACQUIRE_CHILDREN when the folder can, else one call per transferable child. */
export function planCalls(item: WiaDrvItem, direction: 'download' | 'upload', lFlags: number): DriverCall[] {
  const base = direction === 'upload' ? WIA_MINIDRV_TRANSFER_UPLOAD : WIA_MINIDRV_TRANSFER_DOWNLOAD;
  if (direction === 'upload' || (lFlags & WIA_TRANSFER_ACQUIRE_CHILDREN) === 0) return Array.of(new DriverCall(item, base));
  const capabilities = item.properties.has(WIA_IPS_TRANSFER_CAPABILITIES) ? Number(item.properties.value(WIA_IPS_TRANSFER_CAPABILITIES)) : 0;
  if ((capabilities & WIA_TRANSFER_CHILDREN_SINGLE_SCAN) !== 0) return Array.of(new DriverCall(item, base | WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN));
  return item.children.filter((c) => c.isTransferable && !c.isDeleted).map((child) => new DriverCall(child, base));
}

/** The item's read size: its `WIA_IPA_BUFFER_SIZE`, or {@link DEFAULT_BUFFER_SIZE}. */
export function bufferSizeOf(item: WiaDrvItem): number {
  const size = item.properties.has(WIA_IPA_BUFFER_SIZE) ? Number(item.properties.value(WIA_IPA_BUFFER_SIZE)) : 0;
  return Number.isInteger(size) && size > 0 ? size : DEFAULT_BUFFER_SIZE;
}
