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
 * @param {boolean} [options.keepSinks] keep every item's sink in `sinks` until the transfer ends (default true,
 *   for checking each item afterwards); `false` keeps only the current item's and counts the others' bytes, as the
 *   throughput suite's fair raw loop lets each item's sink go when the item ends — an app that held all eight
 *   would make the stack's side carry eight live streams the baseline does not (promoted to the old generation,
 *   and marked by every mark-compact)
 */
export function countingApp(options = {}) {
  return new CountingApp(options);
}

/**
 * A class, not an object literal with a `bytes` getter: V8 gives such a
 * literal dictionary-mode properties, and the stack looks up
 * `TransferCallback` on every progress message — an app's cost the fair raw
 * loop (which has no app object) would not pay.
 */
class CountingApp {
  constructor({ stream, hash = false, onBytes, keepSinks = true }) {
    this.sinks = new Map();
    /** Bytes of the sinks already let go (`keepSinks: false`). */
    this.releasedBytes = 0;
    this.streamFor = stream ?? (() => new CountingSink({ hash, onBytes }));
    this.keepSinks = keepSinks;
  }

  get bytes() {
    let total = this.releasedBytes;
    for (const sink of this.sinks.values()) total += bytesOf(sink);
    return total;
  }

  TransferCallback() {
    return S_OK;
  }

  GetNextStream(_flags, itemName) {
    // The core asks for the next item's stream only once the app's stream has consumed the last one.
    if (!this.keepSinks) {
      for (const sink of this.sinks.values()) this.releasedBytes += bytesOf(sink);
      this.sinks.clear();
    }
    const sink = this.streamFor(itemName);
    this.sinks.set(itemName, sink);
    return { hr: S_OK, stream: sink };
  }
}

const bytesOf = (sink) => sink.bytes ?? sink.bytesWritten ?? 0;
