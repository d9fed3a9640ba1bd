// The app side of bench transfers: an IWiaTransferCallback whose streams
// count (and optionally hash) what they receive, or stream it to files.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { S_OK } from '@openwia/core';

/** A Writable that only counts bytes (and hashes them when asked): the cheapest app a transfer can have. */
export class CountingSink extends Writable {
  constructor({ hash = false, onBytes } = {}) {
    super();
    this.bytes = 0;
    this.hash = hash ? createHash('sha1') : undefined;
    this.onBytes = onBytes;
  }

  _write(chunk, _encoding, callback) {
    this.bytes += chunk.length;
    this.hash?.update(chunk);
    this.onBytes?.(chunk.length);
    callback();
  }
}

/**
 * An app callback for bench transfers.
 * @param {object} [options]
 * @param {(itemName: string) => import('node:stream').Writable} [options.stream] destination per item (default: a counting sink)
 * @param {boolean} [options.hash] hash each item's bytes
 * @param {(bytes: number) => void} [options.onBytes] called per chunk received
 */
export function countingApp({ stream, hash = false, onBytes } = {}) {
  const sinks = new Map();
  return {
    sinks,
    get bytes() {
      let total = 0;
      for (const sink of sinks.values()) total += sink.bytes ?? sink.bytesWritten ?? 0;
      return total;
    },
    TransferCallback: () => S_OK,
    GetNextStream: (_flags, itemName) => {
      const sink = stream ? stream(itemName) : new CountingSink({ hash, onBytes });
      sinks.set(itemName, sink);
      return { hr: S_OK, stream: sink };
    },
  };
}
