import {
  UsbDisconnectedError,
  UsbOverflowError,
  UsbStallError,
  UsbTransferAbortedError,
  isCancelledError,
  type UsbControlSetup,
  type UsbTransport,
} from '@openwia/core';
import type { SimulatedUsbDevice } from '../usb/simulated-device.js';
import { SimulatedUsbTransport } from '../usb/simulated-transport.js';
import { getDescriptor } from './descriptor-bytes.js';

/** usbdevfs URB types (`USBDEVFS_URB_TYPE_*`). */
const URB_TYPE = { isochronous: 0, interrupt: 1, control: 2, bulk: 3 } as const;
/** Linux errno values a URB completes with, as the kernel's usbfs reports them. */
const STATUS = { ok: 0, ENOENT: -2, EPIPE: -32, EOVERFLOW: -75, ENODEV: -19, EPROTO: -71, EINVAL: -22 } as const;
const SETUP_SIZE = 8;

/** One URB as the relay forwards it. */
export interface RelayedUrb {
  urb: number;
  type: number;
  ep: number;
  len: number;
  /** OUT payload (control: setup packet + data stage). */
  data: Uint8Array;
}

/** How a URB ended: its status and the IN bytes (`offset` 8 for control transfers: after the setup packet). */
export interface UrbCompletion {
  status: number;
  data: Uint8Array;
  offset: number;
  /** The URB's `actual_length`: bytes read for IN, bytes the device took for OUT (libusb reports it as the transfer's length). */
  actual: number;
}

/** What a URB moved: IN data, or how many OUT bytes the device took. */
interface UrbResult {
  data: Uint8Array;
  actual: number;
}

const received = (data: Uint8Array): UrbResult => ({ data, actual: data.length });
const sent = (count: number): UrbResult => ({ data: new Uint8Array(0), actual: count });

const REQUEST_TYPES = ['standard', 'class', 'vendor'] as const;
const RECIPIENTS = ['device', 'interface', 'endpoint', 'other'] as const;

function parseSetup(bytes: Uint8Array): { setup: UsbControlSetup; deviceToHost: boolean; length: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, SETUP_SIZE);
  const bmRequestType = view.getUint8(0);
  return {
    setup: {
      requestType: REQUEST_TYPES[(bmRequestType >> 5) & 0x03] ?? 'vendor',
      recipient: RECIPIENTS[bmRequestType & 0x1f] ?? 'other',
      request: view.getUint8(1),
      value: view.getUint16(2, true),
      index: view.getUint16(4, true),
    },
    deviceToHost: (bmRequestType & 0x80) !== 0,
    length: view.getUint16(6, true),
  };
}

/** The usbfs status a failed simulated transfer maps to, with the bytes that did arrive. */
function failureStatus(err: unknown): { status: number; data: Uint8Array } {
  const partial = (err as { partialData?: Uint8Array }).partialData ?? new Uint8Array(0);
  if (err instanceof UsbTransferAbortedError || isCancelledError(err)) return { status: STATUS.ENOENT, data: partial };
  if (err instanceof UsbStallError) return { status: STATUS.EPIPE, data: partial };
  if (err instanceof UsbOverflowError) return { status: STATUS.EOVERFLOW, data: partial };
  if (err instanceof UsbDisconnectedError) return { status: STATUS.ENODEV, data: partial };
  return { status: STATUS.EPROTO, data: partial };
}

/**
 * Serves one {@link SimulatedUsbDevice} to usbfs: each URB the relay forwards
 * becomes a transfer on the device's own host-side transport, a DISCARDURB
 * aborts it, and the usbfs ioctls (claim, release, clear halt, reset) become
 * the matching transport calls. Standard GET_DESCRIPTOR requests are answered
 * from the device's descriptor, as a real device's firmware does.
 */
export class UsbfsDeviceServer {
  private readonly transport: UsbTransport;
  private readonly inFlight = new Map<number, AbortController>();
  /** Ioctl notices apply in order, and a URB starts only after the notices before it (a claim before the first bulk URB). */
  private notices: Promise<void> = Promise.resolve();
  private opened = false;

  constructor(readonly device: SimulatedUsbDevice) {
    // Always the in-memory handle: createTransport() may itself lead back to this bridge.
    this.transport = new SimulatedUsbTransport(device);
  }

  /** Applies a usbfs ioctl the relay already answered (libusb waits for it synchronously, so the relay cannot wait for us). */
  notice(what: string, value: number): void {
    this.notices = this.notices.then(() => this.applyNotice(what, value)).catch(() => undefined);
  }

  /** Serves a URB; `complete` is called exactly once. */
  submit(urb: RelayedUrb, complete: (result: UrbCompletion) => void): void {
    const controller = new AbortController();
    this.inFlight.set(urb.urb, controller);
    const offset = urb.type === URB_TYPE.control ? SETUP_SIZE : 0;
    void this.notices
      .then(() => this.run(urb, controller.signal))
      .then(
        ({ data, actual }): UrbCompletion => ({ status: STATUS.ok, data, offset, actual }),
        (err: unknown): UrbCompletion => {
          const failure = failureStatus(err);
          return { ...failure, offset, actual: failure.data.length };
        },
      )
      .then((result) => {
        this.inFlight.delete(urb.urb);
        complete(result);
      });
  }

  /** DISCARDURB: aborts the URB's transfer; it completes with -ENOENT and whatever had arrived. */
  discard(urb: number): void {
    this.inFlight.get(urb)?.abort();
  }

  /** The emulated node went away: the device's transport closes (aborting what is still in flight). */
  async dispose(): Promise<void> {
    for (const c of this.inFlight.values()) c.abort();
    await this.transport.close().catch(() => undefined);
  }

  private async ensureOpen(): Promise<void> {
    if (this.opened && this.transport.opened) return;
    await this.transport.open();
    this.opened = true;
  }

  private async applyNotice(what: string, value: number): Promise<void> {
    if (what === 'CLOSE') {
      // The last usbfs handle closed: the kernel releases its claims, the device sees the host let go.
      if (value === 0 && this.opened) {
        this.opened = false;
        await this.transport.close();
      }
      return;
    }
    await this.ensureOpen();
    switch (what) {
      case 'CLAIMINTERFACE':
      case 'DISCONNECT_CLAIM':
        return this.transport.claimInterface(value);
      case 'RELEASEINTERFACE':
        return this.transport.releaseInterface(value);
      case 'SETCONFIGURATION':
        return this.transport.selectConfiguration(value);
      case 'CLEAR_HALT':
        return this.transport.clearHalt(value);
      case 'RESET':
        return this.transport.reset();
    }
  }

  private async run(urb: RelayedUrb, signal: AbortSignal): Promise<UrbResult> {
    await this.ensureOpen();
    if (urb.type === URB_TYPE.control) return this.control(urb, signal);
    if (urb.type === URB_TYPE.isochronous) throw new UsbStallError(urb.ep);
    if (urb.ep & 0x80) return received(await this.transport.transferIn(urb.ep, urb.len, { signal }));
    return sent(await this.transport.transferOut(urb.ep, urb.data, { signal }));
  }

  private async control(urb: RelayedUrb, signal: AbortSignal): Promise<UrbResult> {
    const { setup, deviceToHost, length } = parseSetup(urb.data);
    if (setup.requestType === 'standard') {
      const answer = this.standardRequest(setup, deviceToHost);
      if (answer) return received(answer.subarray(0, length));
    }
    if (deviceToHost) return received(await this.transport.controlTransferIn(setup, length, { signal }));
    return sent(await this.transport.controlTransferOut(setup, urb.data.subarray(SETUP_SIZE, SETUP_SIZE + length), { signal }));
  }

  /** Chapter 9 requests the device model leaves to the bus: descriptors, status, configuration. */
  private standardRequest(setup: UsbControlSetup, deviceToHost: boolean): Uint8Array | undefined {
    const GET_STATUS = 0x00;
    const GET_DESCRIPTOR = 0x06;
    const GET_CONFIGURATION = 0x08;
    if (!deviceToHost) return undefined;
    if (setup.request === GET_DESCRIPTOR && setup.recipient === 'device') {
      const bytes = getDescriptor(this.device.descriptor, setup.value);
      if (!bytes) throw new UsbStallError(0);
      return bytes;
    }
    if (setup.request === GET_STATUS) return Uint8Array.from([0, 0]);
    if (setup.request === GET_CONFIGURATION) return Uint8Array.from([this.device.descriptor.configurations[0]?.configurationValue ?? 0]);
    return undefined;
  }
}
