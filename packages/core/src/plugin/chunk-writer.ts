import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Waits — abortably — for a stream that asked to wait (its `write` returned `false`) to drain. */
export async function waitForDrain(stream: Writable, signal: AbortSignal): Promise<void> {
  await once(stream, 'drain', { signal });
}

/** Writes one chunk, waiting for the stream to drain when it asks to — abortably. */
export async function writeChunk(stream: Writable, chunk: Uint8Array, signal: AbortSignal): Promise<void> {
  if (stream.write(chunk)) return;
  await waitForDrain(stream, signal);
}
