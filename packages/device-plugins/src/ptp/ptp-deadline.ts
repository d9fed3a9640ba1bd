import { UsbTimeoutError, UsbTransferAbortedError } from '@openwia/core';

/**
 * Runs one USB transfer under a deadline that the plugin owns: a ref'd timer
 * that aborts the transfer after `timeoutMs`. The core's transports keep
 * their own `timeoutMs` on a ref'd timer too (`TransferWatch`), but the
 * plugin takes any `UsbTransport`: one whose timer is unref'd — or, like
 * libusb's without timerfd, fires up to a minute late — would let a command
 * to a silent camera never settle, or the event loop run dry first. This
 * timer keeps the process alive until the wait is over, and its expiry is
 * reported as `UsbTimeoutError` (`WIA_ERROR_DEVICE_COMMUNICATION`) carrying
 * the bytes that arrived — never as a cancel.
 *
 * @param signal - the caller's signal; aborting it still cancels (and is reported as cancelled).
 * @param run - starts the transfer with the combined signal and the same `timeoutMs` for the transport.
 */
export async function withTransferDeadline<T>(endpointAddress: number, timeoutMs: number, signal: AbortSignal, run: (signal: AbortSignal, timeoutMs: number) => Promise<T>): Promise<T> {
  if (signal.aborted || !(timeoutMs > 0)) return run(signal, timeoutMs);
  const bound = new AbortController();
  let expired = false;
  const onAbort = (): void => bound.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    expired = true;
    bound.abort(new UsbTimeoutError(endpointAddress, timeoutMs));
  }, timeoutMs);
  try {
    return await run(bound.signal, timeoutMs);
  } catch (err) {
    if (expired && !signal.aborted && err instanceof UsbTransferAbortedError) throw new UsbTimeoutError(endpointAddress, timeoutMs, { partialData: err.partialData });
    throw err;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
