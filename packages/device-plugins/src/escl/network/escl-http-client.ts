import type { HttpExchange } from '../ipp-usb/http-exchange.js';
import type { IppUsbRequest } from '../ipp-usb/ipp-usb-client.js';

/**
 * What the eSCL client, its scan jobs and the driver need from the HTTP path
 * to a scanner: IPP-USB ({@link IppUsbClient}) or TCP ({@link TcpHttpClient}).
 */
export interface EsclHttpClient {
  /** Sends a request; the returned exchange is read (or interrupted) by the caller. */
  send(request: IppUsbRequest): HttpExchange;
  /** Cleans up after interrupted exchanges so the next request starts on a clean connection. */
  recover(): Promise<void>;
  /** `true` while an interrupted exchange still holds a connection. */
  readonly needsRecovery: boolean;
  /** The connection pool: how many requests may be in flight at once. */
  readonly agent: { readonly maxSockets: number };
  /**
   * Hosts a job `Location` may name besides the loopback names (a network
   * scanner's own host); absent for IPP-USB, where the device is "localhost".
   */
  readonly locationHosts?: readonly string[];
  /** Where `/eSCL` lives on the device when it is not at the root (e.g. `/office/eSCL`). */
  readonly basePath?: string;
  /** Closes every connection. */
  close(): void;
}
