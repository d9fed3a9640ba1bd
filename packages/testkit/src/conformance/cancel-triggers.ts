import type { AuditedTransfer } from './audited-transport.js';
import type { ConformanceSession } from './session.js';

/**
 * When the suite calls `Cancel()` from outside the app's callbacks:
 * - `before-data`: as soon as the plugin has its first USB transfer of the
 *   transfer in flight (or, if it asks for a stream before any, then) — no
 *   byte has reached the app yet;
 * - `mid-read`: once the first bytes reached the app, with a bulk IN read in
 *   flight. On a virtual device the bulk IN endpoints NAK from that moment
 *   (fault injection), so the read is really pending until the plugin aborts
 *   it; the NAK is lifted as soon as one of the reads in flight at the cancel
 *   ends (an honoured signal: at once) or the transfer settles (a plugin that
 *   ignored its signal: only when the watchdog gave up on it).
 */
export type CancelTrigger = 'before-data' | 'mid-read';

/** A trigger armed for one transfer. */
export interface TriggerState {
  readonly kind: CancelTrigger;
  /** `true` once it called `Cancel()`. */
  readonly fired: boolean;
  /** Bulk IN reads the plugin had in flight when it fired. */
  readonly readsInFlight: number;
  /** How it fired, or why it never did. */
  readonly note: string | undefined;
  /** The app's `GetNextStream` was called. */
  onStream(): void;
  /** Bytes reached an app stream. */
  onChunk(fullItemName: string, bytes: Buffer): void;
  /** The transfer settled. */
  onSettled(): void;
  /** Unsubscribes and lifts any fault. Idempotent. */
  dispose(): void;
}

function hex(address: number): string {
  return `0x${address.toString(16).padStart(2, '0')}`;
}

class Trigger implements TriggerState {
  fired = false;
  readsInFlight = 0;
  note: string | undefined;
  private waitingForRead = false;
  private nakEndpoints: number[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    readonly kind: CancelTrigger,
    private readonly session: ConformanceSession,
    private readonly cancel: () => void,
  ) {
    const onStart = (transfer: AuditedTransfer): void => this.onTransferStarted(transfer);
    session.transport.events.on('transferStarted', onStart);
    this.unsubscribe = () => session.transport.events.off('transferStarted', onStart);
  }

  onStream(): void {
    if (this.kind === 'before-data' && !this.fired) this.fire('when the app was first asked for a stream (no USB transfer before it)');
  }

  onChunk(): void {
    if (this.kind !== 'mid-read' || this.fired || this.waitingForRead) return;
    this.waitingForRead = true;
    const faults = this.session.dut.faults;
    if (faults) {
      this.nakEndpoints = bulkInEndpoints(this.session);
      for (const ep of this.nakEndpoints) faults.nakForever(ep);
    }
    const pending = this.session.transport.pendingBulkIn();
    if (pending.length) this.fireMidRead(pending);
  }

  onSettled(): void {
    this.liftNak();
    if (this.fired || this.note) return;
    this.note =
      this.kind === 'mid-read'
        ? 'the transfer ended before a USB read was in flight after its first bytes (give the device larger items)'
        : 'the transfer ended before the plugin made a USB transfer or asked for a stream';
  }

  dispose(): void {
    this.unsubscribe();
    this.liftNak();
  }

  private onTransferStarted(transfer: AuditedTransfer): void {
    if (this.fired) return;
    if (this.kind === 'before-data' && !transfer.kind.startsWith('interrupt')) {
      this.fire(`with the plugin's first USB transfer (${transfer.kind} ${hex(transfer.endpointAddress)}) in flight`);
    } else if (this.kind === 'mid-read' && this.waitingForRead && transfer.kind === 'bulk-in') {
      this.fireMidRead(this.session.transport.pendingBulkIn());
    }
  }

  private fireMidRead(pending: AuditedTransfer[]): void {
    this.readsInFlight = pending.length;
    const where = [...new Set(pending.map((t) => hex(t.endpointAddress)))].join(', ');
    this.fire(`with ${pending.length} bulk IN read(s) in flight (${where})${this.nakEndpoints.length ? ', held by a NAK' : ''}`);
    if (this.nakEndpoints.length) {
      // The first read to end releases the device; a read that ignores its signal ends only after the watchdog.
      void Promise.race(pending.map((t) => t.settled)).then(() => this.liftNak());
    }
  }

  private fire(how: string): void {
    this.fired = true;
    this.note = `Cancel() ${how}`;
    this.cancel();
  }

  private liftNak(): void {
    const faults = this.session.dut.faults;
    for (const ep of this.nakEndpoints.splice(0)) faults?.stopNak(ep);
  }
}

function bulkInEndpoints(session: ConformanceSession): number[] {
  const found = new Set<number>();
  for (const configuration of session.dut.descriptor.configurations) {
    for (const iface of configuration.interfaces) {
      for (const ep of iface.endpoints) if (ep.type === 'bulk' && ep.direction === 'in') found.add(ep.address);
    }
  }
  return [...found];
}

/** Arms a trigger on a session's transport for the transfer about to start. */
export function armCancelTrigger(kind: CancelTrigger, session: ConformanceSession, cancel: () => void): TriggerState {
  return new Trigger(kind, session, cancel);
}
