import type { UsbDeviceDescriptor } from './descriptors.js';

/** Options every transfer takes. */
export interface UsbTransferOptions {
  /** Aborting it cancels the transfer in flight; an already aborted signal never submits. */
  signal?: AbortSignal;
  /** Milliseconds before the transfer fails with a timeout; 0 or absent = none. */
  timeoutMs?: number;
}

/** The setup packet of a control transfer. */
export interface UsbControlSetup {
  requestType: 'standard' | 'class' | 'vendor';
  recipient: 'device' | 'interface' | 'endpoint' | 'other';
  request: number;
  value: number;
  index: number;
}

/**
 * The USB access a plugin gets: a small, WebUSB-shaped interface. The node-usb
 * backend implements it on real hardware and the testkit's simulated bus in
 * memory; plugins cannot tell them apart.
 *
 * Errors are `WiaError`s: an aborted transfer rejects with
 * `UsbTransferAbortedError` (carrying what did arrive), a timeout with
 * `WIA_ERROR_DEVICE_COMMUNICATION`, a stall with `UsbStallError`, a vanished
 * device with `WIA_ERROR_OFFLINE`.
 */
export interface UsbTransport {
  readonly descriptor: UsbDeviceDescriptor;
  readonly opened: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  /** Reads up to `length` bytes from an IN endpoint (address with 0x80 set). Resolves with what arrived (may be short). */
  transferIn(endpointAddress: number, length: number, options?: UsbTransferOptions): Promise<Uint8Array>;
  /** Writes to an OUT endpoint; resolves with the number of bytes written. */
  transferOut(endpointAddress: number, data: Uint8Array, options?: UsbTransferOptions): Promise<number>;
  controlTransferIn(setup: UsbControlSetup, length: number, options?: UsbTransferOptions): Promise<Uint8Array>;
  controlTransferOut(setup: UsbControlSetup, data?: Uint8Array, options?: UsbTransferOptions): Promise<number>;
  clearHalt(endpointAddress: number): Promise<void>;
  reset(): Promise<void>;
}
