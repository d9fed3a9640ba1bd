import {
  delay,
  WIA_ERROR_BUSY,
  WIA_ERROR_DEVICE_COMMUNICATION,
  WiaError,
} from '@openwia/core';
import type { HttpExchange } from './ipp-usb/http-exchange.js';
import type { IppUsbRequest } from './ipp-usb/ipp-usb-client.js';
import type { EsclHttpClient } from './network/escl-http-client.js';
import { documentError, statusError } from './escl-errors.js';
import { parseCapabilities, type EsclCapabilities } from './xml/capabilities.js';
import { parseImageInfo, type EsclImageInfo } from './xml/image-info.js';
import { MAX_ESCL_XML_BYTES } from './xml/safe-xml.js';
import { buildScanSettings, type EsclScanSettings } from './xml/scan-settings.js';
import { parseStatus, type EsclStatus } from './xml/status.js';

/** How {@link EsclClient} retries `503 Service Unavailable`. */
export interface EsclRetryPolicy {
  /** First wait in ms; doubles per attempt up to {@link maxDelayMs}. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all before `WIA_ERROR_BUSY`. */
  attempts: number;
  /** Longest wait a device's `Retry-After` may ask for (ms; default 30 s): a lying header must not park a transfer. */
  maxRetryAfterMs?: number;
  /** Told of every wait before a retry (for logs and tests). */
  onRetry?: (attempt: number, delayMs: number, retryAfter: string | undefined) => void;
}

/**
 * The wait a `Retry-After` header asks for (delta-seconds or an HTTP date), capped at `maxMs`;
 * `undefined` when there is none or it cannot be read.
 */
export function retryAfterMs(header: string | string[] | undefined, maxMs: number, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const ms = /^\d{1,9}$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), maxMs);
}

/** Default retry policy: 50 ms doubling to 1 s, 12 attempts (about 8 s). */
export const DEFAULT_RETRY: EsclRetryPolicy = { initialDelayMs: 50, maxDelayMs: 1000, attempts: 12 };

/** Base path of eSCL resources. */
export const ESCL_BASE = '/eSCL';


/**
 * The eSCL resources of a scanner, over IPP-USB: capabilities, status, scan
 * jobs and their documents. Every call takes an `AbortSignal`; `503` answers
 * are retried with exponential backoff.
 */
export class EsclClient {
  constructor(
    private readonly http: EsclHttpClient,
    private readonly retry: EsclRetryPolicy = DEFAULT_RETRY,
    /** Hosts a job `Location` may name (see {@link jobPath}); a network transport passes the scanner's. */
    private readonly locationHosts: readonly string[] = [...LOCAL_HOSTS, ...(http.locationHosts ?? [])],
  ) {}

  async capabilities(signal: AbortSignal): Promise<EsclCapabilities> {
    return parseCapabilities(await this.getXml(`${ESCL_BASE}/ScannerCapabilities`, signal));
  }

  async status(signal: AbortSignal): Promise<EsclStatus> {
    return parseStatus(await this.getXml(`${ESCL_BASE}/ScannerStatus`, signal));
  }

  /**
   * Creates a scan job; resolves with the job's path. A refusal (`409`, or
   * `503` past the retries) is explained from `ScannerStatus` (feeder empty,
   * jam, cover open, busy).
   */
  async createJob(settings: EsclScanSettings, signal: AbortSignal): Promise<string> {
    const request: IppUsbRequest = { method: 'POST', path: `${ESCL_BASE}/ScanJobs`, body: buildScanSettings(settings), contentType: 'text/xml' };
    const { exchange, status } = await this.sendWithRetry(request, signal, { busyIsFinal: false });
    const location = (await exchange.head(signal)).headers.location;
    await exchange.readAll(64 * 1024, signal);
    if (status === 201 && typeof location === 'string') return jobPath(location, this.locationHosts, this.http.basePath);
    if (status === 201) throw new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, 'the scanner created a job without a Location');
    throw statusError(await this.status(signal), status === 503 ? WIA_ERROR_BUSY : WIA_ERROR_DEVICE_COMMUNICATION);
  }

  /**
   * Asks for the job's next document. Resolves with the exchange whose body
   * is the page (`200`), or `undefined` when the job has no more (`404`).
   * Any other answer is the job failing: rejects with the error the
   * scanner's status explains (a jam, an open cover, a scanner down), else
   * `WIA_ERROR_DEVICE_COMMUNICATION` with what the scanner said.
   */
  async nextDocument(jobUri: string, signal: AbortSignal): Promise<HttpExchange | undefined> {
    const { exchange, status } = await this.sendWithRetry({ method: 'GET', path: `${jobUri}/NextDocument` }, signal, { busyIsFinal: true });
    if (status === 200) return exchange;
    const body = await exchange.readAll(64 * 1024, signal);
    if (status === 404) return undefined;
    const said = plainText(body);
    const scanner = await this.status(signal).catch(() => undefined);
    throw documentError(scanner, `NextDocument answered ${status}${said ? `: ${said}` : ''}`);
  }

  /**
   * What the scanner says about the page it just delivered
   * (`GET {jobUri}/ScanImageInfo`); `undefined` when it does not offer it (any
   * status but `200`, as most devices answer `404`). Throws `EsclXmlError`
   * for a malformed document.
   */
  async imageInfo(jobUri: string, signal: AbortSignal): Promise<EsclImageInfo | undefined> {
    const exchange = this.http.send({ method: 'GET', path: `${jobUri}/ScanImageInfo` });
    const status = (await exchange.head(signal)).statusCode;
    const body = await exchange.readAll(MAX_ESCL_XML_BYTES, signal);
    return status === 200 ? parseImageInfo(body) : undefined;
  }

  /** Cancels a job (`DELETE`); a job the scanner no longer knows counts as deleted. */
  async deleteJob(jobUri: string, signal: AbortSignal): Promise<void> {
    const exchange = this.http.send({ method: 'DELETE', path: jobUri });
    const res = await exchange.head(signal);
    await exchange.readAll(64 * 1024, signal);
    if (res.statusCode !== undefined && res.statusCode >= 300 && res.statusCode !== 404) {
      throw new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, `DELETE ${jobUri} answered ${res.statusCode}`);
    }
  }

  private async getXml(path: string, signal: AbortSignal): Promise<Buffer> {
    const { exchange, status } = await this.sendWithRetry({ method: 'GET', path }, signal, { busyIsFinal: true });
    const body = await exchange.readAll(MAX_ESCL_XML_BYTES, signal);
    if (status !== 200) throw new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, `GET ${path} answered ${status}`);
    return body;
  }

  /** Sends a request, retrying `503` with backoff; the last exchange is returned unread. */
  private async sendWithRetry(request: IppUsbRequest, signal: AbortSignal, options: { busyIsFinal: boolean }): Promise<{ exchange: HttpExchange; status: number }> {
    let backoffMs = this.retry.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      const exchange = this.http.send(request);
      const head = await exchange.head(signal);
      const status = head.statusCode ?? 0;
      if (status !== 503 || attempt >= this.retry.attempts) {
        if (status === 503 && options.busyIsFinal) {
          await exchange.readAll(64 * 1024, signal);
          throw new WiaError(WIA_ERROR_BUSY, `${request.method} ${request.path}: the scanner stayed busy`);
        }
        return { exchange, status };
      }
      await exchange.readAll(64 * 1024, signal);
      // The device's own Retry-After beats the backoff (a scanner warming up says how long it needs).
      const asked = retryAfterMs(head.headers['retry-after'], this.retry.maxRetryAfterMs ?? 30_000);
      const wait = asked ?? backoffMs;
      this.retry.onRetry?.(attempt, wait, head.headers['retry-after']);
      await delay(wait, signal);
      backoffMs = Math.min(backoffMs * 2, this.retry.maxDelayMs);
    }
  }
}

/** Hosts a `Location` over IPP-USB may name: the device answers for `localhost`. */
export const LOCAL_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];
/** One job id segment: what devices use (numbers, UUIDs, HP's dashed ids). */
const JOB_ID = /^[A-Za-z0-9._~%-]{1,200}$/;

/**
 * The path of a job from a `Location` header (absolute URL or path). Only
 * `/eSCL/ScanJobs/<id>` on the device itself is accepted: another host, a
 * `..` segment or a path outside the jobs collection is a protocol error
 * (`WIA_ERROR_DEVICE_COMMUNICATION`) that says which rule it broke.
 *
 * @param hosts hosts the device may name besides itself (a network path passes its own)
 * @param base where `/eSCL` lives on the device (a scanner served under a prefix,
 *   e.g. `/office/eSCL`); the job path returned is always under `/eSCL`, the
 *   path the client's requests use.
 */
export function jobPath(location: string, hosts: readonly string[] = LOCAL_HOSTS, base: string = ESCL_BASE): string {
  const shown = JSON.stringify(location.slice(0, 120));
  const refuse = (why: string, cause?: unknown): WiaError =>
    new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, `eSCL protocol error: the job Location ${shown} ${why}`, cause === undefined ? {} : { cause });
  let url: URL;
  try {
    url = new URL(location, 'http://localhost');
  } catch (err) {
    throw refuse('is not a URL', err);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`uses the scheme ${url.protocol}`);
  if (!hosts.includes(url.hostname.toLowerCase())) throw refuse(`points to another host (${url.hostname})`);
  const raw = location.replace(/^[a-z]+:\/\/[^/]*/i, '').split(/[?#]/)[0]!;
  if (raw.split('/').some((segment) => segment === '..' || segment === '.' || /^%2e/i.test(segment))) throw refuse('climbs out with a "." or ".." segment');
  const prefix = `${base}/ScanJobs/`;
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.startsWith(prefix)) throw refuse(`is outside ${prefix}`);
  const id = path.slice(prefix.length);
  if (!JOB_ID.test(id)) throw refuse('does not name one job');
  return `${ESCL_BASE}/ScanJobs/${id}`;
}

/** The first line of a short plain-text answer, for an error message (at most 200 characters; nothing if binary). */
function plainText(body: Uint8Array): string {
  const text = Buffer.from(body.subarray(0, 200)).toString('utf8').split('\n')[0]!.trim();
  return /^[\x20-\x7e\u00a0-\uffff]*$/.test(text) ? text : '';
}
