import type { UsbEndpointDescriptor, UsbTransport } from '@openwia/core';
import { PTP_HEADER_SIZE, PTP_MAX_EVENT_PARAMS } from './ptp-codes.js';
import { PtpContainerCodec, type PtpOperationContainer } from './ptp-container.js';
import { PtpProtocolError } from './ptp-errors.js';

/** Largest event container: header and three parameters. */
const MAX_EVENT_LENGTH = PTP_HEADER_SIZE + PTP_MAX_EVENT_PARAMS * 4;

/**
 * Reads event containers from the interrupt IN endpoint. Each read asks for
 * more than the longest event, so an event spread over several small
 * interrupt packets arrives whole (the transfer ends at its short packet).
 * Anything longer than an event can be, or cut short, is a
 * {@link PtpProtocolError}; the reader stays usable, each event being its own
 * transfer.
 */
export class PtpEventReader {
  constructor(
    private readonly usb: UsbTransport,
    private readonly endpoint: UsbEndpointDescriptor,
  ) {}

  /** Waits for the next event; rejects when `signal` aborts. */
  async next(signal: AbortSignal): Promise<PtpOperationContainer> {
    const mps = Math.max(1, this.endpoint.maxPacketSize);
    const requested = Math.ceil((MAX_EVENT_LENGTH + 1) / mps) * mps;
    let bytes = await this.usb.transferIn(this.endpoint.address, requested, { signal });
    if (bytes.length === 0) bytes = await this.usb.transferIn(this.endpoint.address, requested, { signal }); // a stray zero-length packet
    if (bytes.length > MAX_EVENT_LENGTH) throw new PtpProtocolError('length', `an event cannot be ${bytes.length} bytes long`);
    return PtpContainerCodec.decodeEvent(bytes);
  }
}
