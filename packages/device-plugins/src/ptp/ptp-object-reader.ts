import type { ItemReader } from '@openwia/core';
import { PtpOperation } from './ptp-codes.js';
import type { PtpCamera } from './ptp-camera.js';
import type { PtpDataInStream } from './ptp-data-in.js';
import { PtpProtocolError } from './ptp-errors.js';

/** Default bytes per GetPartialObject transaction. */
export const DEFAULT_PARTIAL_CHUNK_SIZE = 1024 * 1024;
/** ObjectInfo's size when the object is 4 GiB or more and its real size is not known. */
const SIZE_UNKNOWN = 0xffffffff;

/**
 * Reads one object into the core's buffers. With GetPartialObject (when the
 * device has it) the object comes in chunks, each its own transaction;
 * otherwise as one GetObject data phase. Either way every USB read takes the
 * signal of the core's read, so a cancel aborts the transfer in flight, and
 * memory stays at one buffer whatever the object's size.
 */
export class PtpObjectReader implements ItemReader {
  readonly size: number | undefined;
  private offset = 0;
  private stream: PtpDataInStream | undefined;
  private streamRequest = 0;
  private finished = false;
  private readonly partial: boolean;

  constructor(
    private readonly camera: PtpCamera,
    private readonly handle: number,
    /** The size ObjectInfo states (a hint: the data phase is what counts). */
    announcedSize: number,
    private readonly chunkSize: number = DEFAULT_PARTIAL_CHUNK_SIZE,
  ) {
    this.size = announcedSize > 0 && announcedSize !== SIZE_UNKNOWN ? announcedSize : undefined;
    // GetPartialObject offsets are UINT32: past 4 GiB the chunks need GetPartialObject64, or the object comes whole (GetObject).
    const partialReaches = this.size !== undefined && this.size <= SIZE_UNKNOWN ? PtpOperation.GetPartialObject : PtpOperation.GetPartialObject64;
    this.partial = this.size !== undefined && camera.supports(PtpOperation.GetPartialObject) && camera.supports(partialReaches);
  }

  async read(buffer: Uint8Array, signal: AbortSignal): Promise<number> {
    while (!this.finished) {
      this.stream ??= await this.openNext(signal);
      const n = await this.stream.read(buffer, signal);
      if (n > 0) {
        this.offset += n;
        return n;
      }
      this.endOfStream(this.stream.bytesRead);
    }
    return 0;
  }

  async close(): Promise<void> {
    this.stream?.close();
    this.stream = undefined;
    this.finished = true;
  }

  private async openNext(signal: AbortSignal): Promise<PtpDataInStream> {
    if (!this.partial) {
      this.streamRequest = Infinity;
      return this.camera.openObject(this.handle, signal);
    }
    this.streamRequest = Math.min(this.chunkSize, this.size! - this.offset);
    const stream = await this.camera.openPartialObject(this.handle, this.offset, this.streamRequest, signal);
    if (stream.payloadLength === undefined || stream.payloadLength > this.streamRequest) {
      stream.close();
      throw new PtpProtocolError('length', `GetPartialObject asked ${this.streamRequest} bytes, the device sends ${stream.payloadLength ?? 'over 4 GiB'}`);
    }
    return stream;
  }

  /** A chunk ended: the object ends with GetObject, a short chunk, or at its announced size. */
  private endOfStream(chunkBytes: number): void {
    this.stream = undefined;
    if (!this.partial || chunkBytes < this.streamRequest || this.offset >= this.size!) this.finished = true;
  }
}
