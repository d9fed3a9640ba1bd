import createDebug from 'debug';
import { TransferWatch } from './abort.js';
import { UsbDisconnectedError, UsbIoError, UsbTimeoutError, UsbTransferAbortedError } from './errors.js';
import { LIBUSB, mapLibusbError, type LibusbErrorLike } from './libusb-errors.js';
import type { UsbTransferOptions } from './transport.js';

/** Completion callback of a libusb transfer, as node-usb calls it. */
export type LibusbTransferCallback = (error: LibusbErrorLike | undefined, buffer: Buffer, actualLength: number) => void;

/** The part of node-usb's `Transfer` we use: submit once, cancel any time. */
export interface LibusbTransferLike {
  submit(buffer: Buffer): unknown;
  cancel(): boolean;
}

/** One libusb transfer to run. */
export interface LibusbTransferRequest {
  endpointAddress: number;
  /**
   * Creates the native transfer (node-usb `new Transfer(device, ep, type, timeout, callback)`).
   * `timeoutMs` goes to libusb and is always 0: the timeout is our own timer (see {@link runLibusbTransfer}).
   */
  create(timeoutMs: number, callback: LibusbTransferCallback): LibusbTransferLike;
  buffer: Buffer;
  /** Where the payload starts in the buffer (8 for control transfers: the setup packet). */
  payloadOffset: number;
  options: UsbTransferOptions | undefined;
  /** `true` once the device is known to be gone: a cancelled transfer then reports `WIA_ERROR_OFFLINE`. */
  isDisconnected(): boolean;
}

/** A submitted transfer the transport keeps so that close/detach can cancel it. */
export interface InFlightTransfer {
  /** Cancels it on behalf of the handle (close, reset): it rejects as aborted, or as offline once the device is gone. */
  cancel(): void;
  readonly settled: Promise<unknown>;
}

/**
 * Runs one libusb transfer with true cancellation: `makeTransfer` + `submit`
 * + `cancel` (node-usb's convenience `transfer()` cannot be cancelled, issue
 * #254). An already aborted signal never submits. An abort calls
 * `libusb_cancel_transfer`; the promise settles only when libusb reports the
 * transfer done (status CANCELLED), so no I/O is left pending on the endpoint
 * when the caller goes on. Resolves with the payload bytes that arrived.
 *
 * The timeout is enforced here, not by libusb: node-usb 2.18 builds its
 * libusb without timerfd, so libusb notices an expired transfer only when its
 * event thread next wakes (measured: a 300 ms timeout fired after 60 s on an
 * idle device). Our timer cancels the transfer, which then rejects with
 * `UsbTimeoutError` carrying the bytes that arrived.
 */
/** `DEBUG=openwia:core` shows every USB transfer that ends in an error, with what libusb said. */
const debug = createDebug('openwia:core');

export function runLibusbTransfer(request: LibusbTransferRequest, inFlight: Set<InFlightTransfer>): Promise<Uint8Array> {
  const ep = request.endpointAddress;
  let transfer: LibusbTransferLike | undefined;
  let cancelledByHandle = false;
  const record: { cancel(): void; settled: Promise<unknown> } = {
    cancel: () => {
      cancelledByHandle = true;
      cancelQuietly(transfer);
    },
    settled: Promise.resolve(),
  };
  const result = new Promise<Uint8Array>((resolve, reject) => {
    // Throws (rejecting this promise) when the signal is already aborted: nothing is submitted.
    const watch = TransferWatch.start(ep, request.options, () => cancelQuietly(transfer));
    const callback: LibusbTransferCallback = (error, buffer, actualLength) => {
      watch.dispose();
      inFlight.delete(record);
      const data = new Uint8Array(buffer.buffer, buffer.byteOffset + request.payloadOffset, Math.max(0, actualLength));
      if (!error) resolve(data);
      else {
        const failure = completionError(request, watch, error, data, cancelledByHandle);
        debug('USB endpoint 0x%s: %s (libusb %s, %d bytes arrived)', ep.toString(16), failure.message, error.errno ?? error.message, data.length);
        reject(failure);
      }
    };
    try {
      transfer = request.create(0, callback);
      transfer.submit(request.buffer);
    } catch (err) {
      watch.dispose();
      const failure = mapLibusbError(err, { endpointAddress: ep });
      debug('USB endpoint 0x%s: submit failed: %s', ep.toString(16), failure.message);
      reject(failure);
      return;
    }
    inFlight.add(record);
  });
  record.settled = result.then(
    () => undefined,
    () => undefined,
  );
  return result;
}

/** Cancels unless already done: libusb reports NOT_FOUND for a transfer that completed meanwhile, and the completion is on its way. */
function cancelQuietly(transfer: LibusbTransferLike | undefined): void {
  try {
    transfer?.cancel();
  } catch {
    // Completed in the meantime: its callback settles the promise.
  }
}

function completionError(request: LibusbTransferRequest, watch: TransferWatch, error: LibusbErrorLike, partialData: Uint8Array, cancelledByHandle: boolean): Error {
  const ep = request.endpointAddress;
  const copy = partialData.slice();
  if (error.errno === LIBUSB.TRANSFER_CANCELLED) {
    // A vanished device wins over an abort that raced it: the caller must learn the device is gone.
    if (request.isDisconnected()) return new UsbDisconnectedError(ep, { partialData: copy, cause: error });
    if (watch.interruption) return watch.error(copy);
    if (cancelledByHandle) return new UsbTransferAbortedError(ep, copy, { cause: error });
    // Cancelled by someone else: on macOS libusb cancels every transfer of an endpoint at once.
    return new UsbIoError(ep, 'the transfer was cancelled by the system', { partialData: copy, cause: error });
  }
  if (error.errno === LIBUSB.TRANSFER_TIMED_OUT) return new UsbTimeoutError(ep, request.options?.timeoutMs ?? 0, { partialData: copy, cause: error });
  if (request.isDisconnected()) return new UsbDisconnectedError(ep, { partialData: copy, cause: error });
  return mapLibusbError(error, { endpointAddress: ep, partialData: copy });
}
