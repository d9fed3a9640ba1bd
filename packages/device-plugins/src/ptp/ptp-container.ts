import {
  PTP_HEADER_SIZE,
  PTP_LENGTH_UNKNOWN,
  PTP_MAX_EVENT_PARAMS,
  PTP_MAX_PARAMS,
  PtpContainerType,
} from './ptp-codes.js';
import { PtpProtocolError } from './ptp-errors.js';

/** A container type number (1 command, 2 data, 3 response, 4 event). */
export type PtpContainerTypeCode = (typeof PtpContainerType)[keyof typeof PtpContainerType];

/** The fixed 12-byte header every bulk or interrupt container starts with. */
export interface PtpContainerHeader {
  /** Length in bytes, header included; {@link PTP_LENGTH_UNKNOWN} for data over 4 GiB. */
  length: number;
  type: PtpContainerTypeCode;
  code: number;
  transactionId: number;
}

/** A command, response or event: a code and up to five u32 parameters. */
export interface PtpOperationContainer {
  type: PtpContainerTypeCode;
  code: number;
  transactionId: number;
  params: number[];
}

function isContainerType(type: number): type is PtpContainerTypeCode {
  return type >= PtpContainerType.Command && type <= PtpContainerType.Event;
}

/**
 * Encodes what the host sends and decodes what the device sends, checking
 * every field: lengths against what arrived and what the type allows,
 * parameter counts, types. Pure functions; the session owns the order.
 */
export const PtpContainerCodec = {
  /** A command container: header + parameters. */
  encodeCommand(code: number, transactionId: number, params: readonly number[] = []): Uint8Array {
    if (params.length > PTP_MAX_PARAMS) throw new RangeError(`a PTP command takes at most ${PTP_MAX_PARAMS} parameters`);
    const bytes = new Uint8Array(PTP_HEADER_SIZE + params.length * 4);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, bytes.length, true);
    view.setUint16(4, PtpContainerType.Command, true);
    view.setUint16(6, code, true);
    view.setUint32(8, transactionId >>> 0, true);
    params.forEach((p, i) => view.setUint32(PTP_HEADER_SIZE + i * 4, p >>> 0, true));
    return bytes;
  },

  /**
   * Decodes the header at the start of `bytes`. Throws on fewer than 12
   * bytes, an unknown type, or a length below the header size (except the
   * "unknown length" marker of a data container).
   */
  decodeHeader(bytes: Uint8Array): PtpContainerHeader {
    if (bytes.length < PTP_HEADER_SIZE) {
      throw new PtpProtocolError('truncated', `a container needs ${PTP_HEADER_SIZE} header bytes, got ${bytes.length}`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, PTP_HEADER_SIZE);
    const length = view.getUint32(0, true);
    const type = view.getUint16(4, true);
    if (!isContainerType(type)) throw new PtpProtocolError('type', `unknown container type ${type}`);
    const unknownLength = type === PtpContainerType.Data && length === PTP_LENGTH_UNKNOWN;
    if (length < PTP_HEADER_SIZE && !unknownLength) {
      throw new PtpProtocolError('length', `container length ${length} is shorter than its header`);
    }
    return { length, type, code: view.getUint16(6, true), transactionId: view.getUint32(8, true) };
  },

  /** Decodes a complete response container (exactly the bytes of one container). */
  decodeResponse(bytes: Uint8Array): PtpOperationContainer {
    return decodeOperation(bytes, PtpContainerType.Response, PTP_MAX_PARAMS);
  },

  /** Decodes a complete event container (interrupt endpoint). */
  decodeEvent(bytes: Uint8Array): PtpOperationContainer {
    return decodeOperation(bytes, PtpContainerType.Event, PTP_MAX_EVENT_PARAMS);
  },
};

function decodeOperation(bytes: Uint8Array, expected: PtpContainerTypeCode, maxParams: number): PtpOperationContainer {
  const header = PtpContainerCodec.decodeHeader(bytes);
  if (header.type !== expected) throw new PtpProtocolError('type', `expected container type ${expected}, got ${header.type}`);
  const maxLength = PTP_HEADER_SIZE + maxParams * 4;
  if (header.length > maxLength || (header.length - PTP_HEADER_SIZE) % 4 !== 0) {
    throw new PtpProtocolError('length', `a type ${expected} container cannot be ${header.length} bytes long`);
  }
  if (bytes.length !== header.length) {
    const fault = bytes.length < header.length ? 'truncated' : 'length';
    throw new PtpProtocolError(fault, `container says ${header.length} bytes, ${bytes.length} arrived`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const params: number[] = [];
  for (let offset = PTP_HEADER_SIZE; offset < header.length; offset += 4) params.push(view.getUint32(offset, true));
  return { type: header.type, code: header.code, transactionId: header.transactionId, params };
}
