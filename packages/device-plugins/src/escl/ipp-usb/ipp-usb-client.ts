import { request as httpRequest, type Agent, type OutgoingHttpHeaders } from 'node:http';
import type { UsbTransport } from '@openwia/core';
import { IppUsbAgent } from './ipp-usb-agent.js';
import { DEFAULT_DRAIN_BUDGET_BYTES, DEFAULT_IDLE_TIMEOUT_MS, HttpExchange } from './http-exchange.js';
import { StaleInputError, discardStaleInput } from './stale-input.js';
import type { BulkPipePair, UsbPipeConnectionOptions } from './usb-pipe-connection.js';

/** One HTTP request to the device. */
export interface IppUsbRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  path: string;
  body?: string | Uint8Array;
  contentType?: string;
}

/** The body and headers of a request to a scanner whose `Host` is `host` (`name` or `name:port`). */
export function encodeRequest(request: IppUsbRequest, host: string): { body: Buffer | Uint8Array | undefined; headers: OutgoingHttpHeaders } {
  const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  const headers: OutgoingHttpHeaders = { Host: host, Accept: '*/*' };
  if (body) {
    headers['Content-Type'] = request.contentType ?? 'text/xml';
    headers['Content-Length'] = body.length;
  }
  return { body, headers };
}

/** How long an interrupted response may take to end before its interface is given up (ms). */
export const DEFAULT_DRAIN_DEADLINE_MS = 1500;

/** Options of {@link HttpAgentClient}: how long and how much the clean-up and the waits may take. */
export interface EsclHttpOptions {
  /** How long {@link IppUsbClient.recover} waits for an interrupted response to end before giving up on its interface (ms; default {@link DEFAULT_DRAIN_DEADLINE_MS}). */
  drainDeadlineMs?: number;
  /** Most bytes of an interrupted response {@link IppUsbClient.recover} discards before it gives up on the interface (default 16 MiB). */
  drainBudgetBytes?: number;
  /** Longest silence of the device in the middle of an exchange before it fails (ms; default {@link DEFAULT_IDLE_TIMEOUT_MS}). */
  idleTimeoutMs?: number;
}

/** Options of {@link IppUsbClient}. */
export interface IppUsbClientOptions extends UsbPipeConnectionOptions, EsclHttpOptions {
  /** How long {@link IppUsbClient.open} waits for a stale byte on each interface before it counts as clean (ms; default 20). */
  staleProbeMs?: number;
}

/** Where {@link HttpAgentClient} sends its requests: the `Host` it names, and the port when on TCP. */
export interface EsclHttpTarget {
  host: string;
  port?: number;
}

/**
 * The eSCL client's HTTP/1.1 seam: Node's own `http` client on the keep-alive
 * connections of an `http.Agent`. Over IPP-USB the agent is an
 * {@link IppUsbAgent} (see {@link IppUsbClient}); a network transport passes
 * its own agent and target. Interrupted exchanges are remembered until
 * {@link recover} reads their responses to the end (an IPP-USB device keeps
 * sending what it started; on TCP an interrupted exchange closes its socket).
 */
export class HttpAgentClient {
  /** Exchanges not yet known to be finished. */
  private readonly exchanges = new Set<HttpExchange>();
  private readonly drainDeadlineMs: number;
  private readonly idleTimeoutMs: number;
  private readonly drainBudgetBytes: number | undefined;

  constructor(
    /** Hands out the connections; `maxSockets` is how many requests may run at once. */
    readonly agent: Agent,
    private readonly target: EsclHttpTarget = { host: 'localhost' },
    options: EsclHttpOptions = {},
  ) {
    this.drainDeadlineMs = options.drainDeadlineMs ?? DEFAULT_DRAIN_DEADLINE_MS;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.drainBudgetBytes = options.drainBudgetBytes;
  }

  /** Sends a request; the returned exchange is read (or interrupted) by the caller. */
  send(request: IppUsbRequest): HttpExchange {
    const { host, port } = this.target;
    const { body, headers } = encodeRequest(request, port === undefined ? host : `${host}:${port}`);
    const req = httpRequest({ agent: this.agent, method: request.method, path: request.path, headers, host, port: port ?? 80 });
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

/**
 * HTTP/1.1 over IPP-USB: requests go out on keep-alive connections, one per
 * 7/1/4 interface, with `Host: localhost`.
 */
export class IppUsbClient extends HttpAgentClient {
  declare readonly agent: IppUsbAgent;

  /** `outOfService`: interfaces not to use (see {@link IppUsbClient.open}). */
  constructor(transport: UsbTransport, pipes: readonly BulkPipePair[], options: IppUsbClientOptions = {}, outOfService: readonly BulkPipePair[] = []) {
    super(new IppUsbAgent(transport, pipes, options, outOfService), { host: 'localhost' }, options);
  }

  /**
   * Opens a client on interfaces that hold nothing from an earlier session:
   * each is read until it stays silent first ({@link discardStaleInput}), in
   * parallel. An interface that keeps sending past the drain deadline or
   * budget is taken out of service (`retiredInterfaces`); when that is every
   * interface, its `WIA_ERROR_DEVICE_COMMUNICATION` is thrown. Any other
   * failure (the device gone, `signal` aborted) is thrown as it is.
   */
  static async open(transport: UsbTransport, pipes: readonly BulkPipePair[], options: IppUsbClientOptions = {}, signal?: AbortSignal): Promise<IppUsbClient> {
    const limits = {
      deadlineMs: options.drainDeadlineMs ?? DEFAULT_DRAIN_DEADLINE_MS,
      budgetBytes: options.drainBudgetBytes ?? DEFAULT_DRAIN_BUDGET_BYTES,
      ...(options.staleProbeMs !== undefined ? { probeMs: options.staleProbeMs } : {}),
      ...(signal ? { signal } : {}),
    };
    const outcomes = await Promise.allSettled(pipes.map((p) => discardStaleInput(transport, p, limits)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !(o.reason instanceof StaleInputError));
    if (failed) throw failed.reason;
    const clean = pipes.filter((_, i) => outcomes[i]!.status === 'fulfilled');
    if (clean.length === 0) throw (outcomes[0] as PromiseRejectedResult).reason;
    return new IppUsbClient(transport, clean, options, pipes.filter((p) => !clean.includes(p)));
  }
}
