import { E_INVALIDARG, WiaDevice, WiaError, type WiaDeviceOptions } from '@openwia/core';
import { EsclScannerDriver } from '../escl-scanner-driver.js';
import type { EsclHttpClient } from './escl-http-client.js';
import { TcpHttpClient, type TcpHttpClientOptions } from './tcp-http-client.js';

/** The prefix of a network eSCL scanner's device id: `escl:http://host:port/eSCL`. */
export const ESCL_NETWORK_ID_PREFIX = 'escl:';

/** The scanner URL inside a device id; `E_INVALIDARG` when the id is not an `escl:` id. */
export function esclUrlOfDeviceId(deviceId: string): string {
  if (!deviceId.startsWith(ESCL_NETWORK_ID_PREFIX)) throw new WiaError(E_INVALIDARG, `${JSON.stringify(deviceId.slice(0, 200))} is not an escl: device id (escl:http://host:port/eSCL)`);
  return deviceId.slice(ESCL_NETWORK_ID_PREFIX.length);
}

/**
 * The eSCL plugin reaching a scanner over the network: the same driver —
 * item tree, properties, scan jobs, cancellation — on a TCP connection pool
 * instead of IPP-USB interfaces.
 */
export class EsclNetworkScannerDriver extends EsclScannerDriver {
  constructor(
    /** The scanner's eSCL base URL, e.g. `http://192.0.2.7:8080/eSCL`. */
    readonly url: string,
    private readonly tcpOptions: TcpHttpClientOptions = {},
  ) {
    super(undefined);
  }

  protected override async openHttp(): Promise<EsclHttpClient> {
    return new TcpHttpClient(this.url, this.tcpOptions);
  }

  protected override async closeTransport(): Promise<void> {}
}

/** Options of {@link openEsclNetworkScanner}. */
export interface EsclNetworkScannerOptions extends TcpHttpClientOptions, Omit<WiaDeviceOptions, 'deviceId'> {}

/**
 * Opens a network eSCL scanner by its device id (`escl:http://host:port/eSCL`)
 * through the app API: a {@link WiaDevice} like any USB device. Throws
 * `E_INVALIDARG` for a malformed id, and the driver's `WiaError` when the
 * scanner cannot be reached or answers nonsense.
 */
export async function openEsclNetworkScanner(deviceId: string, options: EsclNetworkScannerOptions = {}): Promise<WiaDevice> {
  const url = esclUrlOfDeviceId(deviceId);
  const { maxSockets, allowSelfSigned, ...deviceOptions } = options;
  const tcp: TcpHttpClientOptions = { ...(maxSockets !== undefined ? { maxSockets } : {}), ...(allowSelfSigned !== undefined ? { allowSelfSigned } : {}) };
  const driver = new EsclNetworkScannerDriver(url, tcp);
  return WiaDevice.open(driver, { ...deviceOptions, deviceId });
}
