/**
 * HRESULT values used by the WIA 2.0 contract, with the numeric values of the
 * Windows SDK headers (`winerror.h`, `wiadef.h`).
 *
 * HRESULTs are kept as unsigned 32-bit numbers (`0x80210005`, not a negative
 * int32) so that they print and compare the way the SDK documents them.
 */

/** An HRESULT as an unsigned 32-bit number. */
export type HResult = number;

/** Success. */
export const S_OK: HResult = 0x00000000;
/** Success with a "no"/"stop" meaning; in WIA transfers: cancelled. */
export const S_FALSE: HResult = 0x00000001;

export const E_NOTIMPL: HResult = 0x80004001;
export const E_NOINTERFACE: HResult = 0x80004002;
export const E_POINTER: HResult = 0x80004003;
export const E_ABORT: HResult = 0x80004004;
export const E_FAIL: HResult = 0x80004005;
export const E_UNEXPECTED: HResult = 0x8000ffff;
export const E_ACCESSDENIED: HResult = 0x80070005;
export const E_HANDLE: HResult = 0x80070006;
export const E_OUTOFMEMORY: HResult = 0x8007000e;
export const E_INVALIDARG: HResult = 0x80070057;

const WIA_ERROR_BASE = 0x80210000;
const WIA_STATUS_BASE = 0x00210000;

export const WIA_ERROR_GENERAL_ERROR: HResult = WIA_ERROR_BASE + 1;
export const WIA_ERROR_PAPER_JAM: HResult = WIA_ERROR_BASE + 2;
export const WIA_ERROR_PAPER_EMPTY: HResult = WIA_ERROR_BASE + 3;
export const WIA_ERROR_PAPER_PROBLEM: HResult = WIA_ERROR_BASE + 4;
export const WIA_ERROR_OFFLINE: HResult = WIA_ERROR_BASE + 5;
export const WIA_ERROR_BUSY: HResult = WIA_ERROR_BASE + 6;
export const WIA_ERROR_WARMING_UP: HResult = WIA_ERROR_BASE + 7;
export const WIA_ERROR_USER_INTERVENTION: HResult = WIA_ERROR_BASE + 8;
export const WIA_ERROR_ITEM_DELETED: HResult = WIA_ERROR_BASE + 9;
export const WIA_ERROR_DEVICE_COMMUNICATION: HResult = WIA_ERROR_BASE + 10;
export const WIA_ERROR_INVALID_COMMAND: HResult = WIA_ERROR_BASE + 11;
export const WIA_ERROR_INCORRECT_HARDWARE_SETTING: HResult = WIA_ERROR_BASE + 12;
export const WIA_ERROR_DEVICE_LOCKED: HResult = WIA_ERROR_BASE + 13;
export const WIA_ERROR_EXCEPTION_IN_DRIVER: HResult = WIA_ERROR_BASE + 14;
export const WIA_ERROR_INVALID_DRIVER_RESPONSE: HResult = WIA_ERROR_BASE + 15;
export const WIA_ERROR_COVER_OPEN: HResult = WIA_ERROR_BASE + 16;
export const WIA_ERROR_LAMP_OFF: HResult = WIA_ERROR_BASE + 17;
export const WIA_ERROR_DESTINATION: HResult = WIA_ERROR_BASE + 18;
export const WIA_ERROR_NETWORK_RESERVATION_FAILED: HResult = WIA_ERROR_BASE + 19;
export const WIA_ERROR_MULTI_FEED: HResult = WIA_ERROR_BASE + 20;
export const WIA_ERROR_MAXIMUM_PRINTER_ENDORSER_COUNTER: HResult = WIA_ERROR_BASE + 21;

export const WIA_STATUS_END_OF_MEDIA: HResult = WIA_STATUS_BASE + 1;
export const WIA_STATUS_WARMING_UP: HResult = WIA_STATUS_BASE + 2;
export const WIA_STATUS_CALIBRATING: HResult = WIA_STATUS_BASE + 3;
export const WIA_STATUS_RESERVING_NETWORK_DEVICE: HResult = WIA_STATUS_BASE + 6;
export const WIA_STATUS_NETWORK_DEVICE_RESERVED: HResult = WIA_STATUS_BASE + 7;
export const WIA_STATUS_CLEAR: HResult = WIA_STATUS_BASE + 8;
/** Returned by an app's `GetNextStream`: skip this item, go on with the next. */
export const WIA_STATUS_SKIP_ITEM: HResult = WIA_STATUS_BASE + 9;
export const WIA_STATUS_NOT_HANDLED: HResult = WIA_STATUS_BASE + 10;

/** Every HRESULT above by its SDK name, for {@link hresultName}. */
export const HRESULT_NAMES: ReadonlyMap<HResult, string> = new Map<HResult, string>([
  [S_OK, 'S_OK'],
  [S_FALSE, 'S_FALSE'],
  [E_NOTIMPL, 'E_NOTIMPL'],
  [E_NOINTERFACE, 'E_NOINTERFACE'],
  [E_POINTER, 'E_POINTER'],
  [E_ABORT, 'E_ABORT'],
  [E_FAIL, 'E_FAIL'],
  [E_UNEXPECTED, 'E_UNEXPECTED'],
  [E_ACCESSDENIED, 'E_ACCESSDENIED'],
  [E_HANDLE, 'E_HANDLE'],
  [E_OUTOFMEMORY, 'E_OUTOFMEMORY'],
  [E_INVALIDARG, 'E_INVALIDARG'],
  [WIA_ERROR_GENERAL_ERROR, 'WIA_ERROR_GENERAL_ERROR'],
  [WIA_ERROR_PAPER_JAM, 'WIA_ERROR_PAPER_JAM'],
  [WIA_ERROR_PAPER_EMPTY, 'WIA_ERROR_PAPER_EMPTY'],
  [WIA_ERROR_PAPER_PROBLEM, 'WIA_ERROR_PAPER_PROBLEM'],
  [WIA_ERROR_OFFLINE, 'WIA_ERROR_OFFLINE'],
  [WIA_ERROR_BUSY, 'WIA_ERROR_BUSY'],
  [WIA_ERROR_WARMING_UP, 'WIA_ERROR_WARMING_UP'],
  [WIA_ERROR_USER_INTERVENTION, 'WIA_ERROR_USER_INTERVENTION'],
  [WIA_ERROR_ITEM_DELETED, 'WIA_ERROR_ITEM_DELETED'],
  [WIA_ERROR_DEVICE_COMMUNICATION, 'WIA_ERROR_DEVICE_COMMUNICATION'],
  [WIA_ERROR_INVALID_COMMAND, 'WIA_ERROR_INVALID_COMMAND'],
  [WIA_ERROR_INCORRECT_HARDWARE_SETTING, 'WIA_ERROR_INCORRECT_HARDWARE_SETTING'],
  [WIA_ERROR_DEVICE_LOCKED, 'WIA_ERROR_DEVICE_LOCKED'],
  [WIA_ERROR_EXCEPTION_IN_DRIVER, 'WIA_ERROR_EXCEPTION_IN_DRIVER'],
  [WIA_ERROR_INVALID_DRIVER_RESPONSE, 'WIA_ERROR_INVALID_DRIVER_RESPONSE'],
  [WIA_ERROR_COVER_OPEN, 'WIA_ERROR_COVER_OPEN'],
  [WIA_ERROR_LAMP_OFF, 'WIA_ERROR_LAMP_OFF'],
  [WIA_ERROR_DESTINATION, 'WIA_ERROR_DESTINATION'],
  [WIA_ERROR_NETWORK_RESERVATION_FAILED, 'WIA_ERROR_NETWORK_RESERVATION_FAILED'],
  [WIA_ERROR_MULTI_FEED, 'WIA_ERROR_MULTI_FEED'],
  [WIA_ERROR_MAXIMUM_PRINTER_ENDORSER_COUNTER, 'WIA_ERROR_MAXIMUM_PRINTER_ENDORSER_COUNTER'],
  [WIA_STATUS_END_OF_MEDIA, 'WIA_STATUS_END_OF_MEDIA'],
  [WIA_STATUS_WARMING_UP, 'WIA_STATUS_WARMING_UP'],
  [WIA_STATUS_CALIBRATING, 'WIA_STATUS_CALIBRATING'],
  [WIA_STATUS_RESERVING_NETWORK_DEVICE, 'WIA_STATUS_RESERVING_NETWORK_DEVICE'],
  [WIA_STATUS_NETWORK_DEVICE_RESERVED, 'WIA_STATUS_NETWORK_DEVICE_RESERVED'],
  [WIA_STATUS_CLEAR, 'WIA_STATUS_CLEAR'],
  [WIA_STATUS_SKIP_ITEM, 'WIA_STATUS_SKIP_ITEM'],
  [WIA_STATUS_NOT_HANDLED, 'WIA_STATUS_NOT_HANDLED'],
]);

/** `true` for success codes (`S_OK`, `S_FALSE`, every `WIA_STATUS_*`): the severity bit is clear. */
export function succeeded(hr: HResult): boolean {
  return (hr >>> 0) < 0x80000000;
}

/** `true` for failure codes: the severity bit is set. */
export function failed(hr: HResult): boolean {
  return !succeeded(hr);
}

/** Formats an HRESULT the way the SDK prints it: `0x80210005`. */
export function formatHResult(hr: HResult): string {
  return '0x' + (hr >>> 0).toString(16).padStart(8, '0');
}

/** The SDK name of an HRESULT (`WIA_ERROR_OFFLINE`), or its hex form when it has none here. */
export function hresultName(hr: HResult): string {
  return HRESULT_NAMES.get(hr >>> 0) ?? formatHResult(hr);
}
