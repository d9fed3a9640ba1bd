import {
  E_ACCESSDENIED,
  E_INVALIDARG,
  E_NOTIMPL,
  WIA_ERROR_BUSY,
  WIA_ERROR_DEVICE_COMMUNICATION,
  WIA_ERROR_GENERAL_ERROR,
  WIA_ERROR_ITEM_DELETED,
  WIA_ERROR_OFFLINE,
  WiaError,
  type HResult,
} from '@openwia/core';
import { PtpResponse, ptpCodeName } from './ptp-codes.js';

/** What was wrong with data the device sent. */
export type PtpProtocolFault =
  /** A container or dataset ended before its fields did. */
  | 'truncated'
  /** A length field is impossible or larger than this plugin accepts. */
  | 'length'
  /** A container of the wrong type (or an unknown type) arrived. */
  | 'type'
  /** A container answered another transaction. */
  | 'transaction'
  /** A container carried another operation's code. */
  | 'code'
  /** A dataset's content makes no sense (bad string, bad count). */
  | 'dataset';

/**
 * The device sent something that is not valid PTP. Carries
 * `WIA_ERROR_DEVICE_COMMUNICATION`; the session resynchronises (cancel, drain)
 * before its next transaction.
 */
export class PtpProtocolError extends WiaError {
  readonly fault: PtpProtocolFault;

  constructor(fault: PtpProtocolFault, message: string, options: { cause?: unknown } = {}) {
    super(WIA_ERROR_DEVICE_COMMUNICATION, `PTP protocol error (${fault}): ${message}`, options);
    this.name = 'PtpProtocolError';
    this.fault = fault;
  }
}

const RESPONSE_HRESULTS: ReadonlyMap<number, HResult> = new Map([
  [PtpResponse.OperationNotSupported, E_NOTIMPL],
  [PtpResponse.ParameterNotSupported, E_INVALIDARG],
  [PtpResponse.InvalidParameter, E_INVALIDARG],
  [PtpResponse.InvalidObjectHandle, WIA_ERROR_ITEM_DELETED],
  [PtpResponse.InvalidStorageID, WIA_ERROR_ITEM_DELETED],
  [PtpResponse.StoreNotAvailable, WIA_ERROR_OFFLINE],
  [PtpResponse.ObjectWriteProtected, E_ACCESSDENIED],
  [PtpResponse.AccessDenied, E_ACCESSDENIED],
  [PtpResponse.DeviceBusy, WIA_ERROR_BUSY],
  [PtpResponse.IncompleteTransfer, WIA_ERROR_DEVICE_COMMUNICATION],
  [PtpResponse.SessionNotOpen, WIA_ERROR_DEVICE_COMMUNICATION],
  [PtpResponse.InvalidTransactionID, WIA_ERROR_DEVICE_COMMUNICATION],
]);

/**
 * The device answered an operation with a response code other than OK. The
 * HRESULT says what it means to an app (`WIA_ERROR_BUSY` for DeviceBusy,
 * `WIA_ERROR_ITEM_DELETED` for a vanished object, ...); `responseCode` keeps
 * the device's own answer.
 */
export class PtpResponseError extends WiaError {
  readonly operation: number;
  readonly responseCode: number;

  constructor(operation: number, responseCode: number) {
    super(
      RESPONSE_HRESULTS.get(responseCode) ?? WIA_ERROR_GENERAL_ERROR,
      `${ptpCodeName(operation)} failed: the device answered ${ptpCodeName(responseCode)}`,
    );
    this.name = 'PtpResponseError';
    this.operation = operation;
    this.responseCode = responseCode;
  }
}
