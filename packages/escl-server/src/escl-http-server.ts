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
  private readonly served: ServedScanner[] = [];
  private readonly server: Server;

  private constructor(private readonly options: EsclServerOptions) {
    const serverOptions = { maxHeaderSize: 8 * 1024, requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 };
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      void this.route(req, res).catch((err: unknown) => {
        debug('request failed: %O', err);
        sendStatus(res, 500);
      });
    };
    this.server = options.tls ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(serverOptions, handler);
    this.server.setTimeout(options.idleSocketMs ?? 120_000, (socket) => socket.destroy());
  }

  /** Serves the devices and resolves once listening. */
  static async start(devices: readonly ServedDeviceSpec[], options: EsclServerOptions = {}): Promise<EsclServer> {
    const self = new EsclServer(options);
    for (const spec of devices) self.serve(spec);
    await new Promise<void>((resolve, reject) => {
      self.server.once('error', reject);
      self.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        self.server.off('error', reject);
        resolve();
      });
    });
    return self;
  }

  /** The scanners, in the order they were first served. */
  get scanners(): readonly ServedScanner[] {
    return this.served;
  }

  /** The scanner served as `id` (the first, when a second device of that id got a path of its own). */
  scannerOf(id: string): ServedScanner | undefined {
    return this.served.find((s) => s.options.id === id);
  }

  /** `true` when serving HTTPS. */
  get tls(): boolean {
    return this.options.tls !== undefined;
  }

  /**
   * Serves one more device, or — when a scanner of the same id is unplugged ({@link ServedScanner.detach}) —
   * the device back in it, under the same URL and identity (a scanner plugged back into its port).
   */
  serve({ device, id = device.deviceId, name }: ServedDeviceSpec): ServedScanner {
    const known = this.scannerOf(id);
    if (known && !known.attached) {
      known.attach(device);
      return known;
    }
    let segment = pathSegmentOf(id);
    while (this.served.some((s) => s.options.basePath === `/${segment}/eSCL`)) segment = `${segment}-2`;
    const identity = { makeAndModel: name ?? `OpenWIA ${id}`, serialNumber: segment, uuid: randomUUID() };
    const scanner = new ServedScanner(device, { id, basePath: `/${segment}/eSCL`, identity, ...(this.options.abandonedJobMs ? { abandonedJobMs: this.options.abandonedJobMs } : {}) });
    this.served.push(scanner);
    return scanner;
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
    await Promise.all(this.served.map((s) => s.stop()));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const scanners = this.served;
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
