import type { Writable } from 'node:stream';
import { abortError } from '../abort/index.js';
import { offAbort, onAbort } from '../abort/abort-subscriptions.js';

/**
 * Waits — abortably — for a stream that asked to wait (its `write` returned `false`) to drain. Rejects with
 * the stream's error when it emits one first, and with the abort error (`abortError`: an unplug stays
 * `WIA_ERROR_OFFLINE`) when `signal` aborts first. Not `events.once(stream, 'drain', { signal })`: that adds
 * and removes a listener on the signal itself, ~1.5 µs and half a kilobyte, and an app stream whose high-water
 * mark is below the read size asks to wait after every chunk (a `Writable`'s default is 16 KiB).
 */
export function waitForDrain(stream: Writable, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const stop = (): void => {
      stream.off('drain', drained);
      stream.off('error', failed);
      offAbort(signal, aborted);
    };
    const drained = (): void => {
      stop();
      resolve();
    };
    const failed = (err: unknown): void => {
      stop();
      reject(err);
    };
    const aborted = (): void => {
      stop();
      reject(abortError(signal));
    };
    stream.on('drain', drained);
    stream.on('error', failed);
    onAbort(signal, aborted);
  });
}

/** Writes one chunk, waiting for the stream to drain when it asks to — abortably. */
export async function writeChunk(stream: Writable, chunk: Uint8Array, signal: AbortSignal): Promise<void> {
  if (stream.write(chunk)) return;
  await waitForDrain(stream, signal);
}

/**
 * Ends a stream and waits — abortably — until it has processed everything
 * written to it (`'finish'`). Rejects with the stream's error when it fails
 * or is destroyed first, and with the abort error (`abortError`: an unplug
 * stays `WIA_ERROR_OFFLINE`) when `signal` aborts first. Through `end`'s own
 * callback, subscribed to the signal's shared abort listener (`onAbort`):
 * `stream.promises.finished` costs several listeners and ticks per item.
 */
export function endStream(stream: Writable, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const aborted = (): void => reject(abortError(signal));
    onAbort(signal, aborted);
    stream.end((err?: Error | null) => {
      offAbort(signal, aborted);
      if (err) reject(err);
      else resolve();
    });
  });
}
