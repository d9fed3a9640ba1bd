import type { UsbTransport } from '@openwia/core';
import { withTransferDeadline } from './ptp-deadline.js';

/** What one read from the bulk IN pipe gave. */
export interface BulkInChunk {
  bytes: Uint8Array;
  /** The device-side transfer ended with these bytes (short packet or zero-length packet). */
  endOfTransfer: boolean;
}

/**
 * The bulk IN pipe of a PTP device, with real USB semantics in mind: reads
 * are sized in whole packets (a device packet never overflows a read), and
 * bytes read past the container being parsed are kept for the next read
 * instead of being lost. Memory is bounded by one read.
 */
export class PtpBulkIn {
  private pending: BulkInChunk | undefined;

  constructor(
    private readonly usb: UsbTransport,
    readonly address: number,
    readonly maxPacketSize: number,
    /** Longest wait for the device to send anything on one read; a silent device fails with `UsbTimeoutError`. */
    private readonly timeoutMs: number,
  ) {}

  /**
   * Reads at most `max` bytes of the current device-side transfer, asking the
   * device for whole packets. With `toEnd` (these bytes finish a container)
   * it asks for one packet more than whole packets of `max`, so that a
   * closing short or zero-length packet ends the read there, instead of a
   * zero-length packet being left behind and mistaken for the next container.
   */
  async read(max: number, signal: AbortSignal, toEnd = true): Promise<BulkInChunk> {
    if (this.pending) return this.takePending(max);
    const mps = this.maxPacketSize;
    const packets = Math.floor(max / mps);
    const requested = (toEnd || packets === 0 ? packets + 1 : packets) * mps;
    const bytes = await withTransferDeadline(this.address, this.timeoutMs, signal, (bounded, timeoutMs) => this.usb.transferIn(this.address, requested, { signal: bounded, timeoutMs }));
    this.pending = { bytes, endOfTransfer: bytes.length < requested };
    return this.takePending(max);
  }

  /** Puts bytes back in front of the pipe (read past a container's end). */
  unread(bytes: Uint8Array, endOfTransfer: boolean): void {
    if (bytes.length === 0 && !endOfTransfer) return;
    if (this.pending) {
      const merged = new Uint8Array(bytes.length + this.pending.bytes.length);
      merged.set(bytes);
      merged.set(this.pending.bytes, bytes.length);
      this.pending = { bytes: merged, endOfTransfer: this.pending.endOfTransfer };
    } else {
      this.pending = { bytes, endOfTransfer };
    }
  }

  /** Bytes read from the device but not yet consumed. */
  get pendingBytes(): number {
    return this.pending?.bytes.length ?? 0;
  }

  /** Forgets bytes kept from an earlier read; returns how many there were. */
  discardPending(): number {
    const n = this.pending?.bytes.length ?? 0;
    this.pending = undefined;
    return n;
  }

  private takePending(max: number): BulkInChunk {
    const chunk = this.pending!;
    if (chunk.bytes.length <= max) {
      this.pending = undefined;
      return chunk;
    }
    this.pending = { bytes: chunk.bytes.subarray(max), endOfTransfer: chunk.endOfTransfer };
    return { bytes: chunk.bytes.subarray(0, max), endOfTransfer: false };
  }
}
