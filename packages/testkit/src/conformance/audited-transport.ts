import { EventEmitter } from 'eventemitter3';
import type { UsbControlSetup, UsbDeviceDescriptor, UsbEndpointDescriptor, UsbTransferOptions, UsbTransport } from '@openwia/core';

/** The kind of a USB transfer the plugin made, as the suite classifies it. */
export type AuditedTransferKind = 'bulk-in' | 'bulk-out' | 'interrupt-in' | 'interrupt-out' | 'control';

/** One transfer the plugin has in flight. */
export interface AuditedTransfer {
  kind: AuditedTransferKind;
  endpointAddress: number;
  /** Settles (never rejects) when the transfer ended, however it ended. */
  settled: Promise<void>;
}

/** Events of an {@link AuditedTransport}. */
export interface AuditedTransportEvents {
  /** The plugin submitted a transfer (emitted after it was handed to the real transport). */
  transferStarted: (transfer: AuditedTransfer) => void;
}

/**
 * The transport the suite hands to a plugin: a pass-through to the real one
 * (simulated or node-usb), which also keeps account of what the plugin did
 * with it — interfaces claimed and not released, whether it opened and closed
 * the device, and the transfers it has in flight. It changes nothing the
 * plugin sees: every call goes to the real transport with the plugin's own
 * arguments, signal included.
 */
export class AuditedTransport implements UsbTransport {
  readonly events = new EventEmitter<AuditedTransportEvents>();
  /** Interfaces the plugin claimed and has not released (closing the transport releases them). */
  readonly claimed = new Set<number>();
  /** Transfers in flight. */
  readonly inFlight = new Set<AuditedTransfer>();
  /** Whether the transport was open when the plugin got it. */
  readonly openAtHandover: boolean;
  private readonly endpointTypes = new Map<number, UsbEndpointDescriptor['type']>();

  constructor(private readonly inner: UsbTransport) {
    this.openAtHandover = inner.opened;
    for (const configuration of inner.descriptor.configurations) {
      for (const iface of configuration.interfaces) for (const ep of iface.endpoints) this.endpointTypes.set(ep.address, ep.type);
    }
  }

  get descriptor(): UsbDeviceDescriptor {
    return this.inner.descriptor;
  }

  get opened(): boolean {
    return this.inner.opened;
  }

  /** Bulk IN transfers in flight now. */
  pendingBulkIn(): AuditedTransfer[] {
    return [...this.inFlight].filter((t) => t.kind === 'bulk-in');
  }

  async open(): Promise<void> {
    await this.inner.open();
  }

  async close(): Promise<void> {
    await this.inner.close();
    this.claimed.clear();
  }

  selectConfiguration(configurationValue: number): Promise<void> {
    return this.inner.selectConfiguration(configurationValue);
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    await this.inner.claimInterface(interfaceNumber);
    this.claimed.add(interfaceNumber);
  }

  async releaseInterface(interfaceNumber: number): Promise<void> {
    await this.inner.releaseInterface(interfaceNumber);
    this.claimed.delete(interfaceNumber);
  }

  transferIn(endpointAddress: number, length: number, options?: UsbTransferOptions): Promise<Uint8Array> {
    return this.track(this.kindOf(endpointAddress, 'in'), endpointAddress, () => this.inner.transferIn(endpointAddress, length, options));
  }

  transferOut(endpointAddress: number, data: Uint8Array, options?: UsbTransferOptions): Promise<number> {
    return this.track(this.kindOf(endpointAddress, 'out'), endpointAddress, () => this.inner.transferOut(endpointAddress, data, options));
  }

  controlTransferIn(setup: UsbControlSetup, length: number, options?: UsbTransferOptions): Promise<Uint8Array> {
    return this.track('control', 0, () => this.inner.controlTransferIn(setup, length, options));
  }

  controlTransferOut(setup: UsbControlSetup, data?: Uint8Array, options?: UsbTransferOptions): Promise<number> {
    return this.track('control', 0, () => this.inner.controlTransferOut(setup, data, options));
  }

  clearHalt(endpointAddress: number): Promise<void> {
    return this.inner.clearHalt(endpointAddress);
  }

  reset(): Promise<void> {
    return this.inner.reset();
  }

  private kindOf(endpointAddress: number, direction: 'in' | 'out'): AuditedTransferKind {
    return this.endpointTypes.get(endpointAddress) === 'interrupt' ? `interrupt-${direction}` : `bulk-${direction}`;
  }

  /** Submits the transfer first, then announces it: a listener that cancels sees a transfer really in flight. */
  private track<T>(kind: AuditedTransferKind, endpointAddress: number, submit: () => Promise<T>): Promise<T> {
    let pending: Promise<T>;
    try {
      pending = submit();
    } catch (err) {
      return Promise.reject(err);
    }
    const transfer: AuditedTransfer = { kind, endpointAddress, settled: Promise.resolve() };
    const ended = (): void => {
      this.inFlight.delete(transfer);
    };
    transfer.settled = pending.then(ended, ended);
    this.inFlight.add(transfer);
    this.events.emit('transferStarted', transfer);
    return pending;
  }
}
