import { UsbStallError, type UsbControlSetup } from '@openwia/core';
import type { SimulatedUsbDevice } from '../usb/index.js';
import type { CameraResponder } from './camera-responder.js';
import type { ObjectContent } from './camera-store.js';
import { CLASS_REQUEST, EV, KIND, RC, header, paramContainer, readCommand, type HostCommand } from './camera-wire.js';
import { CameraFaults } from './camera-faults.js';

/** Endpoint addresses and interface of the camera. */
export interface CameraEndpoints {
  interfaceNumber: number;
  bulkIn: number;
  bulkOut: number;
  interruptIn: number;
}

/** How the camera's USB side behaves. */
export interface CameraEngineOptions {
  /** Bytes per device-side write in a data phase (default 64 KiB): cancel is checked between them. */
  chunkSize: number;
  /** The camera flushes its own bulk IN FIFO on Cancel Request (default false: the host must drain). */
  flushOnCancel: boolean;
  /** After a cancel the camera also queues a TransactionCancelled response (default false). */
  cancelledResponse: boolean;
  /** Get Device Status answers TransactionCancelled this many times after a cancel before OK (default 2). */
  statusPollsAfterCancel: number;
  /** Commands answered DeviceBusy after a cancel, as Android's MTP stack and busy cameras do (default 1). */
  busyAfterCancel: number;
}

/** One transaction as the camera saw it. */
export interface CameraLogEntry {
  code: number;
  transactionId: number;
  params: number[];
  /** The response code sent, or how the transaction ended without one. */
  outcome: number | 'cancelled' | 'stalled' | 'failed';
}

/** What the camera counted, for tests. */
export interface CameraStats {
  /** Transaction ids of every Cancel Request received. */
  cancelRequests: number[];
  deviceResets: number;
  statusPolls: number;
}

interface Transaction {
  command: HostCommand;
  cancelled: boolean;
  /** Wakes a data phase held by a fault. */
  wake: () => void;
}

/**
 * The camera's USB side: commands from bulk OUT, data phases and responses
 * on bulk IN (in chunks, checking for a cancel between them), events on the
 * interrupt endpoint, and the still-image class requests on endpoint 0.
 */
export class CameraEngine {
  readonly log: CameraLogEntry[] = [];
  readonly stats: CameraStats = { cancelRequests: [], deviceResets: 0, statusPolls: 0 };
  readonly faults = new CameraFaults();
  private current: Transaction | undefined;
  private work: Promise<void> = Promise.resolve();
  private eventsSent: Promise<void> = Promise.resolve();
  private statusAnswers: number[] = [];
  private stuckBusy = false;
  private readonly stalled = new Set<number>();

  constructor(
    private readonly device: SimulatedUsbDevice,
    private readonly endpoints: CameraEndpoints,
    private readonly responder: CameraResponder,
    private readonly options: CameraEngineOptions,
  ) {
    device.onOut(endpoints.bulkOut, (data) => this.onCommand(data));
    device.onControl((setup, data) => this.onControl(setup, data));
    device.events.on('clearHalt', (address) => this.stalled.delete(address));
    device.events.on('reset', () => this.reset());
    // A camera pulled from the bus loses power: it comes back re-enumerated, with no session and nothing queued.
    device.events.on('unplug', () => this.reset());
  }

  /** Resolves once every command received so far has been answered (or given up). */
  idle(): Promise<void> {
    return this.work;
  }

  /** Sends an event on the interrupt endpoint; resolves when the host has read it (or the device went away). */
  sendEvent(code: number, params: number[]): Promise<void> {
    return this.sendRawEvent(paramContainer(KIND.Event, code, 0, params));
  }

  /** Sends arbitrary bytes as an event (fuzzing the host's event parser). */
  sendRawEvent(bytes: Uint8Array): Promise<void> {
    this.device.markPhase('event');
    const read = this.device.writeIn(this.endpoints.interruptIn, bytes).catch(() => undefined);
    this.eventsSent = Promise.all([this.eventsSent, read]).then(() => undefined);
    return read;
  }

  /** Resolves once the host has read every event sent so far (or the device went away). */
  eventsDelivered(): Promise<void> {
    return this.eventsSent;
  }

  private onCommand(bytes: Uint8Array): void {
    const command = readCommand(bytes);
    if (!command || this.faults.take('stallCommand')) {
      this.stalled.add(this.endpoints.bulkOut);
      throw new UsbStallError(this.endpoints.bulkOut);
    }
    // Answer after the host's OUT transfer completed: the host reads only once its write is done.
    this.work = this.work.then(() => this.transact(command)).catch(() => undefined);
  }

  private async transact(command: HostCommand): Promise<void> {
    const entry: CameraLogEntry = { code: command.code, transactionId: command.transactionId, params: command.params, outcome: 'failed' };
    this.log.push(entry);
    const tx: Transaction = { command, cancelled: false, wake: () => undefined };
    this.current = tx;
    try {
      this.device.markPhase('command');
      const reply = this.responder.respond(command);
      if (reply.data) {
        const sent = await this.dataPhase(tx, reply.data);
        if (sent !== 'sent') {
          entry.outcome = sent;
          if (sent === 'cancelled' && this.options.cancelledResponse) await this.writeIn(paramContainer(KIND.Response, RC.TransactionCancelled, command.transactionId));
          return;
        }
      }
      if (tx.cancelled) return void (entry.outcome = 'cancelled');
      this.device.markPhase('response');
      const response = this.faults.mutate('response', command.code, paramContainer(KIND.Response, reply.code, command.transactionId, reply.params ?? []));
      entry.outcome = reply.code;
      await this.writeIn(response);
    } finally {
      if (this.current === tx) this.current = undefined;
    }
  }

  /** Sends the data container in chunks; stops at a cancel or an injected stall. */
  private async dataPhase(tx: Transaction, content: ObjectContent): Promise<'sent' | 'cancelled' | 'stalled'> {
    if (this.faults.take('holdData')) await new Promise<void>((resolve) => this.faults.holdUntilReleased((tx.wake = resolve)));
    if (tx.cancelled) return 'cancelled';
    this.device.markPhase('data');
    const { code, transactionId } = tx.command;
    const total = 12 + content.length;
    const stallAfter = this.faults.takeStallAfterChunks();
    let chunks = this.chunksOf(header(KIND.Data, code, transactionId, total), content);
    chunks = this.faults.mutateFirst('data', code, chunks);
    for (let i = 0; i < chunks.length; i++) {
      if (tx.cancelled) return 'cancelled';
      if (stallAfter !== undefined && i >= stallAfter) {
        this.stalled.add(this.endpoints.bulkIn);
        this.device.stall(this.endpoints.bulkIn);
        return 'stalled';
      }
      await this.writeIn(chunks[i]!(), i === chunks.length - 1);
    }
    return tx.cancelled ? 'cancelled' : 'sent';
  }

  /** The data container as lazily built chunks: header with the first bytes, then `chunkSize` pieces. */
  private chunksOf(head: Uint8Array, content: ObjectContent): Array<() => Uint8Array> {
    const size = this.options.chunkSize;
    const firstPayload = Math.min(content.length, size - head.length);
    const chunks: Array<() => Uint8Array> = [
      () => {
        const first = new Uint8Array(head.length + firstPayload);
        first.set(head);
        first.set(content.read(0, firstPayload), head.length);
        return first;
      },
    ];
    for (let offset = firstPayload; offset < content.length; offset += size) {
      const at = offset;
      chunks.push(() => content.read(at, size));
    }
    return chunks;
  }

  private writeIn(bytes: Uint8Array, endOfTransfer = true): Promise<void> {
    return this.device.writeIn(this.endpoints.bulkIn, bytes, { endOfTransfer });
  }

  private onControl(setup: UsbControlSetup, data: Uint8Array | undefined): Uint8Array | void {
    if (setup.requestType !== 'class' || setup.recipient !== 'interface' || setup.index !== this.endpoints.interfaceNumber) throw new UsbStallError(0);
    switch (setup.request) {
      case CLASS_REQUEST.Cancel:
        return this.onCancelRequest(data);
      case CLASS_REQUEST.DeviceReset:
        this.stats.deviceResets++;
        return this.reset();
      case CLASS_REQUEST.GetDeviceStatus:
        return this.deviceStatus();
      default:
        throw new UsbStallError(0); // Get Extended Event Data and vendor requests are not offered
    }
  }

  private onCancelRequest(data: Uint8Array | undefined): void {
    if (!data || data.length < 6) throw new UsbStallError(0);
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (dv.getUint16(0, true) !== EV.CancelTransaction) throw new UsbStallError(0);
    const transactionId = dv.getUint32(2, true);
    this.stats.cancelRequests.push(transactionId);
    const tx = this.current;
    if (!tx || tx.command.transactionId !== transactionId || tx.cancelled) return;
    tx.cancelled = true;
    tx.wake();
    this.statusAnswers = new Array<number>(this.options.statusPollsAfterCancel).fill(RC.TransactionCancelled);
    this.responder.busyAnswers = Math.max(this.responder.busyAnswers, this.options.busyAfterCancel);
    if (this.faults.take('stuckBusyAfterCancel')) this.stuckBusy = true;
    if (this.options.flushOnCancel) this.device.clearIn(this.endpoints.bulkIn);
  }

  private deviceStatus(): Uint8Array {
    this.stats.statusPolls++;
    const stalled = [...this.stalled];
    // A device with a halted endpoint is not ready: it says so until the host has cleared the halts it lists.
    const code = this.stuckBusy ? RC.DeviceBusy : (this.statusAnswers.shift() ?? (stalled.length > 0 ? RC.DeviceBusy : RC.OK));
    const bytes = new Uint8Array(4 + stalled.length * 4);
    const dv = new DataView(bytes.buffer);
    dv.setUint16(0, bytes.length, true);
    dv.setUint16(2, code, true);
    stalled.forEach((address, i) => dv.setUint32(4 + i * 4, address, true));
    return bytes;
  }

  /** Device Reset (class request or bus reset): session closed, transaction dropped, FIFO flushed. */
  private reset(): void {
    this.responder.closeSession();
    if (this.current) {
      this.current.cancelled = true;
      this.current.wake();
    }
    this.stuckBusy = false;
    this.statusAnswers = [];
    this.device.clearIn(this.endpoints.bulkIn);
  }
}
