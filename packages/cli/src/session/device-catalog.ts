import { EventEmitter } from 'eventemitter3';
import {
  DeviceManager,
  E_INVALIDARG,
  NodeUsbBackend,
  WIA_ERROR_OFFLINE,
  WiaError,
  type DeviceManagerEvents,
  type ManagedDevice,
} from '@openwia/core/discovery';
import type { WiaDevice } from '@openwia/core';
// The plugins as match tables: a plugin's code is loaded when a device matches it, so a command
// that meets no camera or scanner loads no protocol code.
import { lazyDevicePlugins } from '@openwia/device-plugins/lazy';
import type { SimConfig } from './sim-config.js';
import type { SimulatedDevices } from './simulated-devices.js';

/** A device as the CLI lists it. */
export interface CatalogEntry {
  /** What to type on the command line: `sim:camera`, or `usb:04a9:1234@1-4`. */
  id: string;
  managed: ManagedDevice;
}

/** Options of {@link DeviceCatalog.open}. */
export interface CatalogOptions {
  /** Add the virtual camera and scanner (only the one named by `only`, when it names one). */
  simulation?: { config: SimConfig; only?: string | undefined } | undefined;
  /** Look at real USB too (default true). */
  usb?: boolean;
  /** Where warnings go (e.g. libusb could not be loaded). */
  warn: (line: string) => void;
  /** The device options as typed, for the commands an error suggests (e.g. ` --simulate`). */
  flags?: string;
  /** Follow real USB devices plugging in and out (default true); `list` only needs what is there now. */
  hotplug?: boolean;
  /** Network eSCL scanners to open by id (`escl:http://host:port/eSCL`), e.g. one `openwia serve` offers. */
  network?: string[];
}

/**
 * Every device the CLI can reach: real USB through the node-usb backend and,
 * with `--simulate`, the virtual camera and scanner on a simulated bus — each
 * behind a `DeviceManager`, so both go through the same plugin matching.
 */
export class DeviceCatalog extends EventEmitter<Pick<DeviceManagerEvents, 'event' | 'deviceConnected' | 'deviceDisconnected'>> {
  private constructor(
    private readonly managers: DeviceManager[],
    private readonly simulated: SimulatedDevices | undefined,
    /** The device options as typed, for suggested commands. */
    readonly flags: string,
    /** Network scanners opened by id (`escl:…`), outside any device manager. */
    private readonly network: ReadonlyMap<string, WiaDevice>,
  ) {
    super();
    for (const manager of managers) {
      manager.on('event', (event, deviceId, item) => this.emit('event', event, this.aliasOf(deviceId), item));
      manager.on('deviceConnected', (d) => this.emit('deviceConnected', d));
      manager.on('deviceDisconnected', (d) => this.emit('deviceDisconnected', d));
    }
  }

  static async open(options: CatalogOptions): Promise<DeviceCatalog> {
    // Network scanners first: one that cannot be reached fails the command before anything else starts.
    const network = new Map<string, WiaDevice>();
    if (options.network?.length) {
      const { openEsclNetworkScanner } = await import('@openwia/device-plugins/escl');
      for (const id of options.network) network.set(id, await openEsclNetworkScanner(id));
    }
    const managers: DeviceManager[] = [];
    if (options.usb !== false) {
      try {
        managers.push(new DeviceManager({ backend: await NodeUsbBackend.load({ hotplug: options.hotplug ?? true }), plugins: lazyDevicePlugins }));
      } catch (err) {
        options.warn(`real USB is not available: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    // The testkit is imported only when simulating: it is test code, and heavy to load.
    const simulated = options.simulation ? (await import('./simulated-devices.js')).startSimulatedDevices(options.simulation.config, options.simulation.only) : undefined;
    if (simulated) managers.push(new DeviceManager({ backend: simulated.bus, plugins: lazyDevicePlugins }));
    const catalog = new DeviceCatalog(managers, simulated, options.flags ?? '', network);
    await Promise.all(managers.map((m) => m.start()));
    return catalog;
  }

  /** Every device, usable or not. */
  entries(): CatalogEntry[] {
    return this.managers.flatMap((m) => m.devices()).map((managed) => ({ id: this.aliasOf(managed.deviceId), managed }));
  }

  /** The open device for an id or alias; a clear `WiaError` when it is unknown or unusable. */
  device(id: string): WiaDevice {
    const networked = this.network.get(id);
    if (networked) return networked;
    const entries = this.entries();
    const entry = entries.find((e) => e.id === id || e.managed.deviceId === id);
    if (!entry) {
      if (!entries.length && !this.simulated) throw new WiaError(E_INVALIDARG, `no device ${id}; no devices found (add --simulate for the virtual camera and scanner)`);
      throw new WiaError(E_INVALIDARG, `no device ${id}; devices: ${entries.map((e) => e.id).join(', ') || 'none'} (see: openwia list${this.flags})`);
    }
    if (entry.managed.status !== 'ready' || !entry.managed.device) {
      throw entry.managed.error ?? new WiaError(WIA_ERROR_OFFLINE, `${id} is ${entry.managed.status}`);
    }
    return entry.managed.device;
  }

  async close(): Promise<void> {
    this.simulated?.stop();
    await Promise.all([...this.network.values()].map((d) => d.close().catch(() => undefined)));
    await Promise.all(this.managers.map((m) => m.stop()));
  }

  private aliasOf(deviceId: string): string {
    if (this.simulated) {
      for (const [alias, device] of this.simulated.byAlias) if (deviceId.endsWith(`@${device.descriptor.location}`)) return alias;
    }
    return deviceId;
  }
}
