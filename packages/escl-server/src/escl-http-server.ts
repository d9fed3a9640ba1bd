import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import createDebug from 'debug';
import type { WiaDevice } from '@openwia/core';
import { sendStatus } from './http-replies.js';
import { ServedScanner } from './served-scanner.js';
import { sourcesOf } from './source-capabilities.js';

const debug = createDebug('openwia:escl-server');

/** TLS material for `https` (PEM). */
export interface EsclTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
}

/** Options of {@link EsclServer.start}. */
export interface EsclServerOptions {
  /** Address to listen on (default `127.0.0.1`: loopback unless asked). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  tls?: EsclTlsOptions;
  /** A socket with no traffic for this long is closed, which cancels a page it was receiving (default 120 s). */
  idleSocketMs?: number;
  /** See {@link ServedScannerOptions.abandonedJobMs}. */
  abandonedJobMs?: number;
}

/** A device to serve and the name it goes by. */
export interface ServedDeviceSpec {
  device: WiaDevice;
  /** The id the user knows the device by (default: the device id), e.g. the CLI's alias `sim:scanner`. */
  id?: string;
  /** Shown to clients as the make and model (default: `OpenWIA <id>`). */
  name?: string;
}

/** The resource path segment of a device id: `sim:scanner` → `sim-scanner`. */
export function pathSegmentOf(deviceId: string): string {
  return deviceId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'device';
}

/** `true` when a device has a flatbed or feeder item the server can serve. */
export function isServable(device: WiaDevice): boolean {
  return sourcesOf(device).length > 0;
}

/**
 * An eSCL HTTP(S) server for one or more devices. Each device is served under
 * `/<device>/eSCL/`; the first is also served under `/eSCL/`, where clients
 * look by default. Only the fixed eSCL routes answer; nothing in a URL
 * reaches the file system.
 */
export class EsclServer {
  private constructor(
    private readonly server: Server,
    /** The scanners, in the order given. */
    readonly scanners: readonly ServedScanner[],
    /** `true` when serving HTTPS. */
    readonly tls: boolean,
  ) {}

  /** Serves the devices and resolves once listening. */
  static async start(devices: readonly ServedDeviceSpec[], options: EsclServerOptions = {}): Promise<EsclServer> {
    const used = new Set<string>();
    const scanners = devices.map(({ device, id = device.deviceId, name }) => {
      let segment = pathSegmentOf(id);
      while (used.has(segment)) segment = `${segment}-2`;
      used.add(segment);
      const identity = { makeAndModel: name ?? `OpenWIA ${id}`, serialNumber: segment, uuid: randomUUID() };
      return new ServedScanner(device, { id, basePath: `/${segment}/eSCL`, identity, ...(options.abandonedJobMs ? { abandonedJobMs: options.abandonedJobMs } : {}) });
    });
    const serverOptions = { maxHeaderSize: 8 * 1024, requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 };
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      void EsclServer.route(scanners, req, res).catch((err: unknown) => {
        debug('request failed: %O', err);
        sendStatus(res, 500);
      });
    };
    const server = options.tls ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(serverOptions, handler);
    server.setTimeout(options.idleSocketMs ?? 120_000, (socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new EsclServer(server, scanners, options.tls !== undefined);
  }

  /** The address and port the server listens on. */
  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** The base URL of a scanner's eSCL resources, e.g. `http://127.0.0.1:8090/sim-scanner/eSCL`. */
  urlOf(scanner: ServedScanner): string {
    const { address, port } = this.address;
    const host = address.includes(':') ? `[${address}]` : address;
    return `${this.tls ? 'https' : 'http'}://${host}:${port}${scanner.options.basePath}`;
  }

  /** Cancels running jobs, then stops listening and closes every connection. */
  async close(): Promise<void> {
    await Promise.all(this.scanners.map((s) => s.stop()));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private static async route(scanners: readonly ServedScanner[], req: IncomingMessage, res: ServerResponse): Promise<void> {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    } catch {
      return sendStatus(res, 400);
    }
    const first = scanners[0];
    if (first && (path === '/eSCL' || path.startsWith('/eSCL/'))) return first.handle(req, res, path.slice('/eSCL'.length), '/eSCL');
    for (const scanner of scanners) {
      const base = scanner.options.basePath;
      if (path.startsWith(`${base}/`)) return scanner.handle(req, res, path.slice(base.length), base);
    }
    sendStatus(res, 404);
  }
}
