import { ChangeNotifier } from './notifier.js';

/** Settles one `writeIn` call. */
interface WriteSettler {
  resolve: () => void;
  reject: (err: Error) => void;
}

/** What the device has queued on an IN endpoint, in wire order. */
type QueueEntry =
  /** Payload bytes; `endsTransfer` when the last of them is a short packet. */
  | { kind: 'data'; bytes: Uint8Array; offset: number; endsTransfer: boolean; settler: WriteSettler }
  /** A zero-length packet: ends a device-side transfer whose length is a multiple of maxPacketSize. */
  | { kind: 'zlp' }
  /** The device ended a transfer whose last bytes were already queued (they form the short packet). */
  | { kind: 'end' };

/** The outcome of one {@link InEndpointQueue.take}. */
export interface TakeResult {
  bytes: Uint8Array[];
  taken: number;
  /** The device-side transfer ended (short packet or ZLP): the host read completes. */
  ended: boolean;
}

/**
 * The device-side FIFO of one IN endpoint (bulk or interrupt), with USB
 * packet semantics: a device-side transfer ends with a short packet, or with a
 * zero-length packet when its length is a multiple of maxPacketSize.
 */
export class InEndpointQueue {
  private readonly entries: QueueEntry[] = [];
  /** Bytes queued so far in the device-side transfer that has not ended yet. */
  private openTransferLength = 0;
  /** Notified whenever entries are added or removed. */
  readonly changed = new ChangeNotifier();

  constructor(
    readonly endpointAddress: number,
    readonly maxPacketSize: number,
  ) {}

  /** Bytes (not packets) waiting for the host. */
  get queuedBytes(): number {
    let total = 0;
    for (const e of this.entries) if (e.kind === 'data') total += e.bytes.length - e.offset;
    return total;
  }

  /** `true` when the next thing on the wire is a data byte of a transfer that goes on. */
  get headHasMoreBytes(): boolean {
    const head = this.entries[0];
    return head?.kind === 'data' && head.offset < head.bytes.length;
  }

  /** Device side: queues bytes; resolves when the host has consumed all of them. */
  write(data: Uint8Array, endOfTransfer: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const total = this.openTransferLength + data.length;
      if (data.length > 0) {
        const endsWithShortPacket = endOfTransfer && total % this.maxPacketSize !== 0;
        this.entries.push({ kind: 'data', bytes: data, offset: 0, endsTransfer: endsWithShortPacket, settler: { resolve, reject } });
      } else {
        resolve();
      }
      if (endOfTransfer) {
        if (total % this.maxPacketSize === 0) this.entries.push({ kind: 'zlp' });
        else if (data.length === 0) this.entries.push({ kind: 'end' });
        this.openTransferLength = 0;
      } else {
        this.openTransferLength = total;
      }
      this.changed.notify();
    });
  }

  /**
   * Host side: takes up to `want` bytes that are here now. `gotSoFar` and
   * `hostLength` describe the host read, so that a ZLP is left queued when the
   * read asked for exactly the bytes that remained.
   */
  take(want: number, gotSoFar: number, hostLength: number): TakeResult {
    const result: TakeResult = { bytes: [], taken: 0, ended: false };
    while (this.entries.length > 0 && !result.ended) {
      const head = this.entries[0]!;
      if (head.kind === 'data') {
        if (result.taken === want) break;
        const n = Math.min(want - result.taken, head.bytes.length - head.offset);
        result.bytes.push(head.bytes.subarray(head.offset, head.offset + n));
        head.offset += n;
        result.taken += n;
        if (head.offset < head.bytes.length) break;
        this.entries.shift();
        head.settler.resolve();
        result.ended = head.endsTransfer;
      } else if (head.kind === 'zlp') {
        // A read that got exactly what it asked for is complete; the ZLP waits for the next read.
        if (hostLength > 0 && gotSoFar + result.taken === hostLength) break;
        this.entries.shift();
        result.ended = true;
      } else {
        this.entries.shift();
        // An end marker terminates the read that holds the transfer's last bytes; on its own it is no packet at all.
        if (gotSoFar + result.taken > 0) result.ended = true;
      }
    }
    if (result.taken > 0 || result.ended) this.changed.notify();
    return result;
  }

  /** Discards everything queued; pending `writeIn` calls settle with `outcome` (resolve when undefined). */
  clear(outcome?: Error): void {
    const dropped = this.entries.splice(0);
    this.openTransferLength = 0;
    for (const entry of dropped) {
      if (entry.kind !== 'data') continue;
      if (outcome) entry.settler.reject(outcome);
      else entry.settler.resolve();
    }
    this.changed.notify();
  }
}
