import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { UsbTransport } from '@openwia/core';
import { IppUsbAgent } from './ipp-usb-agent.js';
import { DEFAULT_IDLE_TIMEOUT_MS, HttpExchange } from './http-exchange.js';
import type { BulkPipePair, UsbPipeConnectionOptions } from './usb-pipe-connection.js';

/** One HTTP request to the device. */
export interface IppUsbRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  path: string;
  body?: string | Uint8Array;
  contentType?: string;
}

/** Options of {@link IppUsbClient}. */
export interface IppUsbClientOptions extends UsbPipeConnectionOptions {
  /** How long {@link IppUsbClient.recover} waits for an interrupted response to end before giving up on its interface (ms). */
  drainDeadlineMs?: number;
  /** Most bytes of an interrupted response {@link IppUsbClient.recover} discards before it gives up on the interface (default 16 MiB). */
  drainBudgetBytes?: number;
  /** Longest silence of the device in the middle of an exchange before it fails (ms; default {@link DEFAULT_IDLE_TIMEOUT_MS}). */
  idleTimeoutMs?: number;
}

/**
 * HTTP/1.1 over IPP-USB with Node's own `http` client: requests go out on
 * keep-alive connections, one per 7/1/4 interface, with `Host: localhost`.
 * Interrupted exchanges are remembered until {@link recover} reads their
 * responses to the end (the device keeps sending what it started).
 */
export class IppUsbClient {
  readonly agent: IppUsbAgent;
  /** Exchanges not yet known to be finished. */
  private readonly exchanges = new Set<HttpExchange>();
  private readonly drainDeadlineMs: number;
  private readonly idleTimeoutMs: number;
  private readonly drainBudgetBytes: number | undefined;

  constructor(transport: UsbTransport, pipes: readonly BulkPipePair[], options: IppUsbClientOptions = {}) {
    this.agent = new IppUsbAgent(transport, pipes, options);
    this.drainDeadlineMs = options.drainDeadlineMs ?? 1500;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.drainBudgetBytes = options.drainBudgetBytes;
  }

  /** Sends a request; the returned exchange is read (or interrupted) by the caller. */
  send(request: IppUsbRequest): HttpExchange {
    const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
    const headers: OutgoingHttpHeaders = { Host: 'localhost', Accept: '*/*' };
    if (body) {
      headers['Content-Type'] = request.contentType ?? 'text/xml';
      headers['Content-Length'] = body.length;
    }
    const req = httpRequest({ agent: this.agent, method: request.method, path: request.path, headers, host: 'localhost', port: 80 });
    const exchange = new HttpExchange(req, this.idleTimeoutMs);
    req.end(body);
    for (const each of this.exchanges) if (each.finished) this.exchanges.delete(each);
    this.exchanges.add(exchange);
    return exchange;
  }

  /**
   * Cleans up after interrupted exchanges: resumes each held connection and
   * discards the rest of its response (giving up on the interface after the
   * drain deadline). Call after telling the device to stop (eSCL DELETE), so
   * that little is left to drain.
   */
  async recover(): Promise<void> {
    const work: Promise<void>[] = [];
    for (const exchange of this.exchanges) {
      if (exchange.finished) this.exchanges.delete(exchange);
      else if (exchange.wasInterrupted) {
        this.exchanges.delete(exchange);
        work.push(exchange.settle(this.drainDeadlineMs, this.drainBudgetBytes));
      }
    }
    await Promise.all(work);
  }

  /** `true` while an interrupted exchange still holds a connection. */
  get needsRecovery(): boolean {
    for (const exchange of this.exchanges) if (exchange.wasInterrupted && !exchange.finished) return true;
    return false;
  }

  /** Closes every connection. */
  close(): void {
    this.exchanges.clear();
    this.agent.destroy();
  }
}
