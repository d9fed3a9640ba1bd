import { WIA_ERROR_DEVICE_COMMUNICATION, CancelledError, WiaError } from '../hresult/index.js';

/** A transfer aborted through its signal; `partialData` holds what had arrived. */
export class UsbTransferAbortedError extends CancelledError {
  readonly partialData: Uint8Array;

  constructor(endpointAddress: number, partialData: Uint8Array = new Uint8Array(0), options: { cause?: unknown } = {}) {
    super(`USB transfer on endpoint 0x${endpointAddress.toString(16)} aborted after ${partialData.length} bytes`, options);
    this.partialData = partialData;
  }
}

/** The endpoint stalled (halted); clear it with `clearHalt`. */
export class UsbStallError extends WiaError {
  readonly endpointAddress: number;

  constructor(endpointAddress: number, options: { cause?: unknown } = {}) {
    super(WIA_ERROR_DEVICE_COMMUNICATION, `USB endpoint 0x${endpointAddress.toString(16)} stalled`, options);
    this.name = 'UsbStallError';
    this.endpointAddress = endpointAddress;
  }
}
