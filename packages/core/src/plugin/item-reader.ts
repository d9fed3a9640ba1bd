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
  /**
   * Optional zero-copy alternative to {@link read}: resolves with at most
   * `maxBytes` new bytes (empty at the end of the item) that the plugin will
   * not touch again — typically what `transferIn` returned. When present,
   * the base uses it instead of `read`, saving a copy and an allocation per
   * chunk.
   */
  readChunk?(maxBytes: number, signal: AbortSignal): Promise<Uint8Array>;
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
