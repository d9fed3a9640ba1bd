import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { WIA_ERROR_BUSY, WiaError, type UsbTransport } from '@openwia/core';
import { UsbPipeConnection, type BulkPipePair, type UsbPipeConnectionOptions } from './usb-pipe-connection.js';

/**
 * An `http.Agent` whose connections are IPP-USB interfaces: at most one
 * keep-alive connection per 7/1/4 interface, so several interfaces carry
 * concurrent requests and the agent queues the rest.
 *
 * A connection that ends in the middle of a response leaves unread bytes on
 * its interface; that interface is retired rather than handed to the next
 * request (it would read the stale tail of the old response).
 */
export class IppUsbAgent extends Agent {
  private readonly free: BulkPipePair[];
  private readonly retired: BulkPipePair[] = [];
  private readonly live = new Set<UsbPipeConnection>();

  constructor(
    private readonly transport: UsbTransport,
    pipes: readonly BulkPipePair[],
    private readonly connectionOptions: UsbPipeConnectionOptions = {},
    /** Interfaces out of service from the start (they held data of an earlier session that would not end). */
    outOfService: readonly BulkPipePair[] = [],
  ) {
    super({ keepAlive: true, maxSockets: pipes.length, maxFreeSockets: pipes.length, scheduling: 'fifo' });
    this.free = [...pipes];
    this.retired.push(...outOfService);
  }

  /** Interfaces out of service: a connection broke mid-response, or the interface held an earlier session's data that would not end. */
  get retiredInterfaces(): readonly number[] {
    return this.retired.map((p) => p.interfaceNumber);
  }

  /** Connections currently open. */
  get connections(): ReadonlySet<UsbPipeConnection> {
    return this.live;
  }

  override createConnection(_options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const pipes = this.free.shift();
    if (!pipes) {
      const error = new WiaError(WIA_ERROR_BUSY, 'every IPP-USB interface is in use or out of service');
      callback?.(error, undefined as unknown as Duplex);
      return undefined;
    }
    const connection = new UsbPipeConnection(this.transport, pipes, this.connectionOptions);
    this.live.add(connection);
    connection.once('close', () => this.onClosed(connection));
    return connection;
  }

  /** Closes every connection (ends of session). */
  override destroy(): void {
    for (const connection of this.live) connection.destroy();
    super.destroy();
  }

  private onClosed(connection: UsbPipeConnection): void {
    this.live.delete(connection);
    // Closed cleanly only when the http layer had no response in progress on it.
    const clean = !connection.failure && !connection.errored && (connection as { _httpMessage?: unknown })._httpMessage == null;
    if (clean) this.free.push(connection.pipes);
    else this.retired.push(connection.pipes);
  }
}
