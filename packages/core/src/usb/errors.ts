import {
  E_ACCESSDENIED,
  WIA_ERROR_DEVICE_COMMUNICATION,
  WIA_ERROR_OFFLINE,
  CancelledError,
  WiaError,
  type HResult,
} from '../hresult/index.js';

function hex(endpointAddress: number): string {
  return `0x${endpointAddress.toString(16).padStart(2, '0')}`;
}

/** What every failed USB transfer reports besides its HRESULT: the endpoint and the bytes that did arrive. */
export interface UsbTransferFailure {
  readonly endpointAddress: number;
  /** Bytes received (IN) before the transfer ended; empty for OUT and control OUT. */
  readonly partialData: Uint8Array;
}

/** A transfer aborted through its signal; `partialData` holds what had arrived. */
export class UsbTransferAbortedError extends CancelledError implements UsbTransferFailure {
  readonly partialData: Uint8Array;
  readonly endpointAddress: number;

  constructor(endpointAddress: number, partialData: Uint8Array = new Uint8Array(0), options: { cause?: unknown } = {}) {
    super(`USB transfer on endpoint ${hex(endpointAddress)} aborted after ${partialData.length} bytes`, options);
    this.partialData = partialData;
    this.endpointAddress = endpointAddress;
  }
}

/** The endpoint stalled (halted); clear it with `clearHalt`. On endpoint 0 a stall means "request not supported". */
export class UsbStallError extends WiaError implements UsbTransferFailure {
  readonly endpointAddress: number;
  readonly partialData: Uint8Array;

  constructor(endpointAddress: number, options: { cause?: unknown; partialData?: Uint8Array } = {}) {
    super(WIA_ERROR_DEVICE_COMMUNICATION, `USB endpoint ${hex(endpointAddress)} stalled`, options);
    this.name = 'UsbStallError';
    this.endpointAddress = endpointAddress;
    this.partialData = options.partialData ?? new Uint8Array(0);
  }
}

/** Base of the transfer failures below: a `WiaError` that also says which endpoint and what arrived. */
export class UsbTransferError extends WiaError implements UsbTransferFailure {
  readonly endpointAddress: number;
  readonly partialData: Uint8Array;

  constructor(hresult: HResult, endpointAddress: number, message: string, options: { cause?: unknown; partialData?: Uint8Array } = {}) {
    super(hresult, message, options);
    this.name = 'UsbTransferError';
    this.endpointAddress = endpointAddress;
    this.partialData = options.partialData ?? new Uint8Array(0);
  }
}

/** The transfer's `timeoutMs` elapsed (libusb `LIBUSB_TRANSFER_TIMED_OUT`). `WIA_ERROR_DEVICE_COMMUNICATION`. */
export class UsbTimeoutError extends UsbTransferError {
  constructor(endpointAddress: number, timeoutMs: number, options: { cause?: unknown; partialData?: Uint8Array } = {}) {
    super(WIA_ERROR_DEVICE_COMMUNICATION, endpointAddress, `USB transfer on endpoint ${hex(endpointAddress)} timed out after ${timeoutMs} ms`, options);
    this.name = 'UsbTimeoutError';
  }
}

/**
 * The device sent more than the transfer could hold (babble, libusb
 * `LIBUSB_TRANSFER_OVERFLOW`): a read length that is not a multiple of the
 * endpoint's max packet size met a full packet. `WIA_ERROR_DEVICE_COMMUNICATION`.
 */
export class UsbOverflowError extends UsbTransferError {
  constructor(endpointAddress: number, options: { cause?: unknown; partialData?: Uint8Array } = {}) {
    super(WIA_ERROR_DEVICE_COMMUNICATION, endpointAddress, `USB endpoint ${hex(endpointAddress)} overflowed (the device sent more than the transfer length)`, options);
    this.name = 'UsbOverflowError';
  }
}

/** Any other transfer or bus error (CRC, bit stuffing, `LIBUSB_ERROR_IO`). `WIA_ERROR_DEVICE_COMMUNICATION`. */
export class UsbIoError extends UsbTransferError {
  constructor(endpointAddress: number, detail: string, options: { cause?: unknown; partialData?: Uint8Array } = {}) {
    super(WIA_ERROR_DEVICE_COMMUNICATION, endpointAddress, `USB I/O error on endpoint ${hex(endpointAddress)}: ${detail}`, options);
    this.name = 'UsbIoError';
  }
}

/** The device went away (unplugged, powered off, reset into another identity). `WIA_ERROR_OFFLINE`. */
export class UsbDisconnectedError extends UsbTransferError {
  constructor(endpointAddress: number, options: { cause?: unknown; partialData?: Uint8Array; detail?: string } = {}) {
    super(WIA_ERROR_OFFLINE, endpointAddress, options.detail ?? `the USB device was disconnected (endpoint ${hex(endpointAddress)})`, options);
    this.name = 'UsbDisconnectedError';
  }
}

/**
 * The device cannot be opened or its interface claimed by this process:
 * missing permissions, or another driver holds it. `hint` says how to fix it.
 * `E_ACCESSDENIED`.
 */
export class UsbAccessError extends WiaError {
  /** What the user can do about it, e.g. a udev rule or detaching the kernel driver. */
  readonly hint: string;

  constructor(what: string, hint: string, options: { cause?: unknown } = {}) {
    super(E_ACCESSDENIED, `${what}. ${hint}`, options);
    this.name = 'UsbAccessError';
    this.hint = hint;
  }
}
