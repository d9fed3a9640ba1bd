import { readFile } from 'node:fs/promises';
import { E_INVALIDARG, WiaError, hresultName, type WiaDevice } from '@openwia/core';
import { EsclServer, MdnsAdvertiser, isServable, type EsclTlsOptions, type ServedScanner } from '@openwia/escl-server';
import type { ManagedDevice } from '@openwia/core/discovery';
import type { DeviceCatalog } from '../session/device-catalog.js';
import { listenForCancelSignal } from '../session/interrupt.js';
import { withCatalog, type GlobalOptions } from './context.js';

/** Options of `openwia serve`. */
export interface ServeCommandOptions extends GlobalOptions {
  host: string;
  port: number;
  /** `false` with `--no-mdns`. */
  mdns: boolean;
  tlsCert?: string;
  tlsKey?: string;
}

async function loadTls(options: ServeCommandOptions): Promise<EsclTlsOptions | undefined> {
  if (!options.tlsCert && !options.tlsKey) return undefined;
  if (!options.tlsCert || !options.tlsKey) throw new WiaError(E_INVALIDARG, '--tls-cert and --tls-key go together');
  const read = (path: string): Promise<Buffer> => readFile(path).catch((err: unknown) => Promise.reject(WiaError.from(err, E_INVALIDARG, `cannot read ${path}`)));
  return { cert: await read(options.tlsCert), key: await read(options.tlsKey) };
}

function describe(server: EsclServer, scanner: ServedScanner, first: boolean): string {
  const sources = scanner.sources().map((s) => (s.source === 'Feeder' && s.duplex ? 'Feeder (duplex)' : s.source)).join(', ');
  return `  ${scanner.options.id.padEnd(12)} ${server.urlOf(scanner)}${first ? '  (also /eSCL)' : ''}  ${sources}`;
}

/** Logs each job's end and the CANCEL_IO its driver received. */
function logJobs(scanner: ServedScanner): void {
  const id = scanner.options.id;
  scanner.observer = {
    jobCancelled: (uuid, why) => console.log(`${id}: job ${uuid} cancel requested (${why})`),
    jobSettled: (uuid, ending) =>
      console.log(`${id}: job ${uuid} ${ending.state}, ${ending.pagesScanned} page(s) scanned${ending.error ? ` (${hresultName(ending.error.hresult)}: ${ending.error.message})` : ''}`),
  };
  logCancelIo(scanner);
}

/** `true` when a device id given on the command line names the device: by its device id or its alias. */
function names(given: string, deviceId: string, alias: string): boolean {
  return given === deviceId || given === alias;
}

function logCancelIo(scanner: ServedScanner): void {
  scanner.device.on('cancelIo', (item) => console.log(`${scanner.options.id}: driver received WIA_EVENT_CANCEL_IO on ${item}`));
}

/**
 * Follows devices plugging in and out while serving: an unplugged scanner stays at its URL, `Stopped`, and is
 * served again when plugged back in (same id: the same port); a servable device plugged in anew is served too
 * (when no devices were named). Returns the unsubscribe function.
 */
function followHotplug(catalog: DeviceCatalog, server: EsclServer, wanted: string[], aliasOf: (deviceId: string) => string, mdns: MdnsAdvertiser | undefined): () => void {
  const disconnected = (managed: ManagedDevice): void => {
    const scanner = server.scannerOf(aliasOf(managed.deviceId));
    if (!scanner?.attached) return;
    scanner.detach();
    console.log(`${scanner.options.id}: unplugged; served again when plugged back in`);
  };
  const connected = (managed: ManagedDevice): void => {
    const id = aliasOf(managed.deviceId);
    const device = managed.device;
    if (!device || !isServable(device) || (wanted.length > 0 && !wanted.some((name) => names(name, managed.deviceId, id)))) return;
    const known = server.scannerOf(id);
    if (known?.attached) return;
    const scanner = server.serve({ device, id });
    if (known) {
      logCancelIo(scanner);
      console.log(`${id}: plugged back in, served again at ${server.urlOf(scanner)}`);
      return;
    }
    logJobs(scanner);
    mdns?.add(scanner);
    console.log(`${id}: plugged in, served at ${server.urlOf(scanner)}`);
  };
  // The device manager emits these: a failure here is reported, never thrown into its plug and unplug handling.
  const guarded = (handle: (managed: ManagedDevice) => void) => (managed: ManagedDevice): void => {
    try {
      handle(managed);
    } catch (err) {
      process.stderr.write(`openwia: ${aliasOf(managed.deviceId)}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  };
  const onDisconnected = guarded(disconnected);
  const onConnected = guarded(connected);
  catalog.on('deviceDisconnected', onDisconnected);
  catalog.on('deviceConnected', onConnected);
  return () => {
    catalog.off('deviceDisconnected', onDisconnected);
    catalog.off('deviceConnected', onConnected);
  };
}

async function pickDevices(available: WiaDevice[], wanted: string[], aliasOf: (device: WiaDevice) => string): Promise<WiaDevice[]> {
  if (wanted.length === 0) return available.filter(isServable);
  return wanted.map((id) => {
    const device = available.find((d) => names(id, d.deviceId, aliasOf(d)));
    if (!device) throw new WiaError(E_INVALIDARG, `no device ${id} to serve; devices: ${available.map(aliasOf).join(', ') || 'none (try --simulate)'}`);
    if (!isServable(device)) throw new WiaError(E_INVALIDARG, `${id} has no flatbed or feeder with imaging properties; it cannot be served as a scanner`);
    return device;
  });
}

/**
 * `openwia serve [device…]`: serves every device with a flatbed or feeder (or
 * the ones named) as eSCL scanners until Ctrl-C; with `--simulate` also the
 * non-eSCL image feeder `sim:feeder`.
 */
export async function serveCommand(deviceIds: string[], options: ServeCommandOptions): Promise<void> {
  const tls = await loadTls(options);
  await withCatalog(options, async (catalog) => {
    const simulate = options.simulate === true || options.simConfig !== undefined;
    const extra = simulate ? [await (await import('./serve-simulation.js')).openImageFeeder({ pages: 3 })] : [];
    try {
      const available = [
        ...catalog.entries().flatMap((e) => (e.managed.status === 'ready' && e.managed.device ? [catalog.device(e.id)] : [])),
        ...extra,
      ];
      const aliases = new Map(catalog.entries().map((e) => [e.managed.deviceId, e.id]));
      const aliasOf = (device: WiaDevice): string => aliases.get(device.deviceId) ?? device.deviceId;
      const devices = await pickDevices(available, deviceIds, aliasOf);
      if (devices.length === 0) throw new WiaError(E_INVALIDARG, 'no device with a flatbed or feeder to serve (try --simulate)');
      const server = await EsclServer.start(
        devices.map((device) => ({ device, id: aliasOf(device) })),
        { host: options.host, port: options.port, ...(tls ? { tls } : {}) },
      );
      // Listen for Ctrl-C before saying the server is up (the listener's note says why).
      const interrupt = listenForCancelSignal();
      try {
        // Advertising a loopback-only server would send other hosts to an address that refuses them.
        const loopback = /^(127\.|::1$|localhost$)/.test(options.host);
        const mdns = options.mdns && !loopback ? MdnsAdvertiser.advertise(server, (err) => process.stderr.write(`openwia: mDNS: ${err.message}\n`)) : undefined;
        if (options.mdns && loopback) console.log('not advertised over DNS-SD: listening on loopback only (give --host to serve the network)');
        const { address, port } = server.address;
        console.log(`listening on ${tls ? 'https' : 'http'}://${address.includes(':') ? `[${address}]` : address}:${port}${mdns ? ` (advertised as _uscan${tls ? 's' : ''}._tcp)` : ''}`);
        server.scanners.forEach((scanner, n) => {
          console.log(describe(server, scanner, n === 0));
          logJobs(scanner);
        });
        console.log(`try it: add  "OpenWIA" = ${server.urlOf(server.scanners[0]!)}  under [devices] in /etc/sane.d/airscan.conf, then run  scanimage -L`);
        const stopFollowing = followHotplug(catalog, server, deviceIds, (deviceId) => aliases.get(deviceId) ?? deviceId, mdns);
        const signal = await interrupt.received;
        stopFollowing();
        console.log(`${signal}: stopping (running jobs are cancelled)`);
        await mdns?.stop();
        await server.close();
      } finally {
        interrupt.dispose();
      }
    } finally {
      await Promise.all(extra.map((d) => d.close()));
    }
  });
}
