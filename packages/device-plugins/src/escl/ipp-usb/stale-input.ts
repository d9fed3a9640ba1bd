import { UsbTimeoutError, WIA_ERROR_DEVICE_COMMUNICATION, WiaError, type UsbTransport } from '@openwia/core';
import type { BulkPipePair } from './usb-pipe-connection.js';

/**
 * How long a read waits for a byte before the interface counts as clean (ms).
 * Queued bytes sit in the device's FIFO and answer the first IN token, within
 * a microframe; this only has to outlast a busy host.
 */
export const DEFAULT_STALE_PROBE_MS = 20;

/** Bytes asked for per read while discarding. */
const DISCARD_READ_SIZE = 64 * 1024;

/** Limits of {@link discardStaleInput}. */
export interface StaleInputLimits {
  /** How long a read waits for a byte before the interface counts as clean (ms; default {@link DEFAULT_STALE_PROBE_MS}). */
  probeMs?: number;
  /** How long the discarding may take in all before the interface is given up (ms). */
  deadlineMs: number;
  /** Most bytes discarded before the interface is given up. */
  budgetBytes: number;
  signal?: AbortSignal;
}

/** An IPP-USB interface kept sending data of an earlier session past the limits: `WIA_ERROR_DEVICE_COMMUNICATION`. */
export class StaleInputError extends WiaError {
  constructor(
    readonly interfaceNumber: number,
    bound: string,
    readonly discardedBytes: number,
  ) {
    super(
      WIA_ERROR_DEVICE_COMMUNICATION,
      `IPP-USB interface ${interfaceNumber} still sends data of an earlier session after ${bound} (${discardedBytes} bytes discarded): let the scanner finish, or power it off and on`,
    );
    this.name = 'StaleInputError';
  }
}

/**
 * Reads and discards whatever an IPP-USB interface still holds from before
 * this session, and returns how many bytes that was.
 *
 * USB keeps what a host did not read: when the process that last used the
 * scanner died in the middle of a response (killed, crashed), its tail is
 * still queued on the bulk IN endpoint, and the first request of the next
 * session would read it as its own response ("Expected HTTP/"). Read until
 * the endpoint stays silent for `probeMs`. A device that keeps sending past
 * the deadline or the budget (a page of the dead session still being
 * scanned) is a {@link StaleInputError}.
 */
export async function discardStaleInput(transport: UsbTransport, pipes: BulkPipePair, limits: StaleInputLimits): Promise<number> {
  const probeMs = limits.probeMs ?? DEFAULT_STALE_PROBE_MS;
  const readSize = Math.ceil(DISCARD_READ_SIZE / pipes.maxPacketSize) * pipes.maxPacketSize;
  const started = performance.now();
  let discarded = 0;
  for (;;) {
    try {
      const data = await transport.transferIn(pipes.inEndpoint, readSize, { timeoutMs: probeMs, ...(limits.signal ? { signal: limits.signal } : {}) });
      discarded += data.length;
    } catch (err) {
      if (!(err instanceof UsbTimeoutError)) throw err;
      // Bytes that trickled in before the timeout: the device is still sending, so read on.
      if (err.partialData.length === 0) return discarded;
      discarded += err.partialData.length;
    }
    const tooMuch = discarded > limits.budgetBytes;
    if (tooMuch || performance.now() - started > limits.deadlineMs) {
      const bound = tooMuch ? `${limits.budgetBytes} bytes` : `${limits.deadlineMs} ms`;
      throw new StaleInputError(pipes.interfaceNumber, bound, discarded);
    }
  }
}
