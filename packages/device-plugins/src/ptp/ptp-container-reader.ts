import { PTP_HEADER_SIZE, PTP_LENGTH_UNKNOWN } from './ptp-codes.js';
import { PtpContainerCodec, type PtpContainerHeader } from './ptp-container.js';
import { PtpProtocolError } from './ptp-errors.js';
import type { PtpBulkIn } from './ptp-bulk-in.js';

/** Zero-length packets tolerated in front of a container (left over from a previous transfer). */
const MAX_LEADING_EMPTY_READS = 2;

/** Reads exactly `length` bytes of the current device-side transfer; a transfer that ends sooner is a truncated container. */
export async function readExactly(pipe: PtpBulkIn, length: number, signal: AbortSignal, what: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const chunk = await pipe.read(length - got, signal);
    out.set(chunk.bytes, got);
    got += chunk.bytes.length;
    if (got < length && chunk.endOfTransfer) throw new PtpProtocolError('truncated', `${what} ended after ${got} of ${length} bytes`);
  }
  return out;
}

/** A container header as read, and whether the device-side transfer already ended with it. */
export interface HeaderRead {
  header: PtpContainerHeader;
  /** `true` when nothing of this container follows the header on the wire. */
  transferEnded: boolean;
}

/** Reads the 12-byte header of the next container, skipping a stale zero-length packet or two. */
export async function readHeader(pipe: PtpBulkIn, signal: AbortSignal): Promise<HeaderRead> {
  for (let empty = 0; ; empty++) {
    const first = await pipe.read(PTP_HEADER_SIZE, signal, false);
    if (first.bytes.length === 0 && first.endOfTransfer && empty < MAX_LEADING_EMPTY_READS) continue;
    if (first.bytes.length < PTP_HEADER_SIZE && first.endOfTransfer) {
      throw new PtpProtocolError('truncated', `a container needs ${PTP_HEADER_SIZE} header bytes, the transfer ended after ${first.bytes.length}`);
    }
    let transferEnded = first.endOfTransfer;
    const header = new Uint8Array(PTP_HEADER_SIZE);
    header.set(first.bytes);
    for (let got = first.bytes.length; got < PTP_HEADER_SIZE; ) {
      const more = await pipe.read(PTP_HEADER_SIZE - got, signal, false);
      header.set(more.bytes, got);
      got += more.bytes.length;
      transferEnded = more.endOfTransfer;
      if (got < PTP_HEADER_SIZE && more.endOfTransfer) throw new PtpProtocolError('truncated', `the transfer ended inside a container header (${got} bytes)`);
    }
    return { header: PtpContainerCodec.decodeHeader(header), transferEnded };
  }
}

/** A container read whole into memory. */
export interface WholeContainer {
  header: PtpContainerHeader;
  /** Everything after the header. */
  body: Uint8Array;
}

/**
 * Reads one whole container after its header, refusing (before reading or
 * allocating) one longer than `maxLength` — the defence against lying
 * length fields.
 */
export async function readBody(pipe: PtpBulkIn, { header, transferEnded }: HeaderRead, maxLength: number, signal: AbortSignal): Promise<WholeContainer> {
  if (header.length === PTP_LENGTH_UNKNOWN || header.length > maxLength) {
    throw new PtpProtocolError('length', `a ${header.length}-byte container exceeds the ${maxLength}-byte limit for its kind`);
  }
  if (transferEnded && header.length > PTP_HEADER_SIZE) {
    throw new PtpProtocolError('truncated', `the container says ${header.length} bytes but the transfer ended after its header`);
  }
  const body = await readExactly(pipe, header.length - PTP_HEADER_SIZE, signal, `container of type ${header.type}`);
  return { header, body };
}

/** Re-encodes a header and body as one container (so that codec functions can check it whole). */
export function joinContainer(header: PtpContainerHeader, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(PTP_HEADER_SIZE + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, header.length, true);
  view.setUint16(4, header.type, true);
  view.setUint16(6, header.code, true);
  view.setUint32(8, header.transactionId, true);
  bytes.set(body, PTP_HEADER_SIZE);
  return bytes;
}
