import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Writes one chunk, waiting for the stream to drain when it asks to — abortably. */
export async function writeChunk(stream: Writable, chunk: Uint8Array, signal: AbortSignal): Promise<void> {
  if (stream.write(chunk)) return;
  await once(stream, 'drain', { signal });
}
