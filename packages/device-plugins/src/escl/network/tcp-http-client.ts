import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { E_INVALIDARG, WIA_ERROR_DEVICE_COMMUNICATION, WiaError } from '@openwia/core';
import { HttpExchange } from '../ipp-usb/http-exchange.js';
import { encodeRequest, type IppUsbRequest } from '../ipp-usb/ipp-usb-client.js';
import { ESCL_BASE } from '../escl-client.js';
import type { EsclHttpClient } from './escl-http-client.js';

/** Options of {@link TcpHttpClient}. */
export interface TcpHttpClientOptions {
  /** Connections kept to the scanner (default 2: a page download and a status or DELETE at once). */
  maxSockets?: number;
  /** For `https`: accept a self-signed certificate (default false). */
  allowSelfSigned?: boolean;
  /** A connection silent for this long fails its exchange with `WIA_ERROR_DEVICE_COMMUNICATION` (default 30 s). */
  idleTimeoutMs?: number;
}

/** Parses the URL of a network eSCL scanner (`http(s)://host:port/eSCL`); `E_INVALIDARG` for anything else. */
export function parseEsclUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new WiaError(E_INVALIDARG, `not a URL: ${JSON.stringify(url.slice(0, 200))}`, { cause: err });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new WiaError(E_INVALIDARG, `an eSCL scanner is reached over http or https, not ${parsed.protocol}`);
  if (parsed.username || parsed.password || parsed.search || parsed.hash) throw new WiaError(E_INVALIDARG, 'an eSCL scanner URL has no credentials, query or fragment');
  return parsed;
}

/**
 * HTTP/1.1 to a network eSCL scanner over TCP with Node's own keep-alive
 * agent: the same exchanges as over IPP-USB, so the eSCL client, scan jobs
 * and driver run unchanged. An interrupted exchange closes its socket (the
 * server sees the client leave); nothing stale can reach the next request.
 */
export class TcpHttpClient implements EsclHttpClient {
  readonly agent: HttpAgent;
  readonly url: URL;
  /** Where `/eSCL` lives on this scanner, from its URL (e.g. `/office/eSCL`). */
  readonly basePath: string;
  private readonly idleTimeoutMs: number;

  constructor(url: string, options: TcpHttpClientOptions = {}) {
    this.url = parseEsclUrl(url);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 2, maxFreeSockets: options.maxSockets ?? 2, scheduling: 'fifo' as const };
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ ...agentOptions, rejectUnauthorized: !options.allowSelfSigned }) : new HttpAgent(agentOptions);
  }

  /** A job `Location` may name the scanner's own host. */
  get locationHosts(): readonly string[] {
    return [this.url.hostname.toLowerCase()];
  }

  send(request: IppUsbRequest): HttpExchange {
    const { body, headers } = encodeRequest(request, this.url.host);
    const request_ = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request_({
      agent: this.agent,
      method: request.method,
      hostname: this.url.hostname.replace(/^\[|\]$/g, ''),
      port: this.url.port || (this.url.protocol === 'https:' ? 443 : 80),
      path: this.resourcePath(request.path),
      headers,
    });
    // Every wait on the scanner is bounded: an unreachable host or a stalled answer fails the exchange.
    req.setTimeout(this.idleTimeoutMs, () => req.destroy(new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, `${this.url.host}: no answer for ${this.idleTimeoutMs} ms`)));
    const exchange = new HttpExchange(req);
    req.end(body);
    return exchange;
  }

  /** Interrupted exchanges destroyed their sockets: there is nothing to drain over TCP. */
  async recover(): Promise<void> {}

  get needsRecovery(): boolean {
    return false;
  }

  close(): void {
    this.agent.destroy();
  }

  /** The eSCL client asks for `/eSCL/…`; the scanner's resources may live under another base (`/sim-scanner/eSCL`). */
  private resourcePath(path: string): string {
    if (path === ESCL_BASE || path.startsWith(`${ESCL_BASE}/`)) return `${this.basePath}${path.slice(ESCL_BASE.length)}`;
    return path;
  }
}
