import type { WiaDrvItem } from '../minidriver/index.js';

/**
 * An open item on the device, read in chunks. `read` must honour its signal:
 * pass it to the transport, which cancels the USB transfer in flight.
 */
export interface ItemReader {
  /** Total bytes when known, for progress. */
  readonly size?: number;
  /** Reads into `buffer`; resolves with the number of bytes read, 0 at the end of the item. */
  read(buffer: Uint8Array, signal: AbortSignal): Promise<number>;
  /** Releases the item; called once, after the last read, whatever happened. */
  close(): Promise<void>;
}

/** One item a transfer delivers: a stored picture, or a feeder page that comes into being as it is scanned. */
export interface TransferSource {
  /** The item the app sees (its name is what `GetNextStream` is asked for). */
  item: WiaDrvItem;
  /** Opens the item for reading. */
  open(signal: AbortSignal): Promise<ItemReader>;
  /**
   * `true` when skipping still requires reading the item (a feeder page must
   * be moved through): its bytes are read and discarded by the core.
   */
  drainOnSkip?: boolean;
}
