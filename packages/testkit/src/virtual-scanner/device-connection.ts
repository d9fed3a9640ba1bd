import { Duplex } from 'node:stream';
import type { SimulatedUsbDevice } from '../usb/index.js';

/** The bulk pair of one IPP-USB interface, seen from the device. */
export interface DevicePipePair {
  interfaceNumber: number;
  inEndpoint: number;
  outEndpoint: number;
}

/**
 * The device end of one IPP-USB interface as a socket for Node's `http`
 * server: host OUT transfers become readable bytes, writes become IN data
 * the host reads (each write resolves when the host has consumed it, so the
 * server feels real back-pressure from USB).
 */
export class DeviceConnection extends Duplex {
  private waitingForRead: (() => void) | undefined;

  constructor(
    private readonly device: SimulatedUsbDevice,
    readonly pipes: DevicePipePair,
  ) {
    super({ allowHalfOpen: false });
    device.onOut(pipes.outEndpoint, (data) => this.fromHost(data));
  }

  override _read(): void {
    const resume = this.waitingForRead;
    this.waitingForRead = undefined;
    resume?.();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.device.writeIn(this.pipes.inEndpoint, chunk).then(
      () => callback(),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const resume = this.waitingForRead;
    this.waitingForRead = undefined;
    resume?.();
    callback(error);
  }

  // The http server treats its connection as a net.Socket; an IPP-USB interface has no timeouts or Nagle.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  destroySoon(): void {
    this.end();
  }

  /** Host OUT data: readable for the server; the host's transfer completes once the server takes it. */
  private fromHost(data: Uint8Array): void | Promise<void> {
    if (this.destroyed) return;
    if (this.push(Buffer.from(data))) return;
    return new Promise<void>((resolve) => (this.waitingForRead = resolve));
  }
}
