import type { HResult } from '../hresult/index.js';

/** `WiaTransferParams.lMessage` values (`wia_lh.h`). */
export const WIA_TRANSFER_MSG_STATUS = 0x1;
export const WIA_TRANSFER_MSG_END_OF_STREAM = 0x2;
export const WIA_TRANSFER_MSG_END_OF_TRANSFER = 0x3;
export const WIA_TRANSFER_MSG_DEVICE_STATUS = 0x5;
export const WIA_TRANSFER_MSG_NEW_PAGE = 0x6;

/** One of the `WIA_TRANSFER_MSG_*` values. */
export type WiaTransferMessage =
  | typeof WIA_TRANSFER_MSG_STATUS
  | typeof WIA_TRANSFER_MSG_END_OF_STREAM
  | typeof WIA_TRANSFER_MSG_END_OF_TRANSFER
  | typeof WIA_TRANSFER_MSG_DEVICE_STATUS
  | typeof WIA_TRANSFER_MSG_NEW_PAGE;

/** Readable names of the transfer messages, for logs and the CLI. */
export const WIA_TRANSFER_MSG_NAMES: Readonly<Record<WiaTransferMessage, string>> = {
  [WIA_TRANSFER_MSG_STATUS]: 'WIA_TRANSFER_MSG_STATUS',
  [WIA_TRANSFER_MSG_END_OF_STREAM]: 'WIA_TRANSFER_MSG_END_OF_STREAM',
  [WIA_TRANSFER_MSG_END_OF_TRANSFER]: 'WIA_TRANSFER_MSG_END_OF_TRANSFER',
  [WIA_TRANSFER_MSG_DEVICE_STATUS]: 'WIA_TRANSFER_MSG_DEVICE_STATUS',
  [WIA_TRANSFER_MSG_NEW_PAGE]: 'WIA_TRANSFER_MSG_NEW_PAGE',
};

/** The parameters of a transfer message (WIA's `WiaTransferParams`). */
export interface WiaTransferParams {
  lMessage: WiaTransferMessage;
  /** 0–100, progress of the current item. */
  lPercentComplete: number;
  /** Bytes of the current item transferred so far (WIA: 64-bit; exact up to 2^53 here). */
  ulTransferredBytes: number;
  /** Meaningful with `WIA_TRANSFER_MSG_DEVICE_STATUS` and `END_OF_TRANSFER`: the HRESULT. */
  hrErrorStatus: HResult;
}

/** App-side `Download` flag: transfer the children of a folder item in one call. */
export const WIA_TRANSFER_ACQUIRE_CHILDREN = 0x1;

/** `drvAcquireItemData` flags (`wiamindr_lh.h`). */
export const WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN = 0x1;
export const WIA_MINIDRV_TRANSFER_DOWNLOAD = 0x2;
export const WIA_MINIDRV_TRANSFER_UPLOAD = 0x4;
