import { E_INVALIDARG, WiaError, defaultPluginRegistry, type PluginClass, type RegisteredPlugin, type UsbBackend, type WiaDevice, type WiaDrvItem } from '@openwia/core';
import type { SimulatedUsbDevice } from '../usb/index.js';

/**
 * A virtual device for one conformance session, and what it knows about the
 * data it serves. Return a bare `SimulatedUsbDevice` when it knows nothing.
 */
export interface VirtualDeviceFixture {
  device: SimulatedUsbDevice;
  /**
   * The bytes the device served for an item during the transfer that just
   * ended (by the item's full name), or `undefined` when unknown. Given, it
   * lets the suite check every delivered byte; without it only byte counts
   * and order are checked.
   */
  contentOf?(fullItemName: string): Uint8Array | undefined;
}

/** What the suite checks: a plugin and the virtual device it drives. */
export interface ConformanceTarget {
  /** Shown in reports (default: the plugin's registered name or class name). */
  name?: string;
  /**
   * The plugin: its class (decorated with `@wiaPlugin`, or at least
   * `@injectable()`), or a registry entry (`registry.list()[i]`). It is
   * created the way the device manager creates it: `PluginRegistry.createDriver`,
   * in its own child container holding the transport.
   */
  plugin: PluginClass | RegisteredPlugin;
  /**
   * Makes a fresh virtual device. Called once per session (each rule gets its
   * own device, so a consumed feeder or a dirty pipe of one rule cannot fail
   * another). Not called when `OPENWIA_DEVICE` names real hardware.
   */
  device: () => SimulatedUsbDevice | VirtualDeviceFixture | Promise<SimulatedUsbDevice | VirtualDeviceFixture>;
  /**
   * Full name of the item to acquire, e.g. `Root\\Feeder`. Default: the first
   * folder with at least two transferable children, else the first
   * transferable folder. A folder is acquired with `WIA_TRANSFER_ACQUIRE_CHILDREN`.
   */
  item?: string;
  /** Items a complete transfer must deliver at least (default 2: skip and between-items need two). */
  expectedItems?: number;
  /** Watchdog grace period in ms: a plugin must settle within it after a cancel, by itself (default 2000). */
  graceMs?: number;
  /** Called after every session opens, before its transfers (e.g. to set item properties). */
  prepare?: (device: WiaDevice, item: WiaDrvItem) => Promise<void> | void;
}

/** How the suite runs. */
export interface ConformanceOptions {
  /** Cancelled transfers timed for the latency figures (default 20). */
  latencyRuns?: number;
  /** A transfer that has not settled after this many ms is cancelled and its rule fails (default 30000). */
  transferTimeoutMs?: number;
  /**
   * Real hardware instead of the virtual device: `usb:VID:PID` or
   * `usb:VID:PID@location` (hex ids). Default: `process.env.OPENWIA_DEVICE`.
   * When set and no such device is found, every rule fails.
   */
  hardware?: string;
  /** Where a `hardware` device is looked up (default: the node-usb backend, loaded on demand). */
  usbBackend?: () => Promise<UsbBackend>;
}

/** Name of the environment variable that points the suite at real hardware. */
export const OPENWIA_DEVICE_ENV = 'OPENWIA_DEVICE';

/** A target and options with every default applied. */
export interface ResolvedTarget {
  name: string;
  plugin: PluginClass | RegisteredPlugin;
  device: ConformanceTarget['device'];
  item: string | undefined;
  expectedItems: number;
  graceMs: number;
  prepare: ConformanceTarget['prepare'];
  latencyRuns: number;
  transferTimeoutMs: number;
  hardware: string | undefined;
  usbBackend: (() => Promise<UsbBackend>) | undefined;
}

function isRegisteredPlugin(plugin: unknown): plugin is RegisteredPlugin {
  return typeof plugin === 'object' && plugin !== null && typeof (plugin as RegisteredPlugin).pluginClass === 'function' && typeof (plugin as RegisteredPlugin).descriptor === 'object';
}

/** The name a plugin registered under (`@wiaPlugin`), else its class name. */
function pluginName(plugin: PluginClass | RegisteredPlugin): string {
  if (isRegisteredPlugin(plugin)) return plugin.descriptor.name;
  return defaultPluginRegistry.list().find((p) => p.pluginClass === plugin)?.descriptor.name ?? (plugin.name || 'plugin');
}

/** The class behind a target's plugin. */
export function pluginClassOf(plugin: PluginClass | RegisteredPlugin): PluginClass {
  return isRegisteredPlugin(plugin) ? plugin.pluginClass : plugin;
}

function positiveInteger(value: unknown, name: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new WiaError(E_INVALIDARG, `"${name}" must be an integer >= ${allowZero ? 0 : 1}, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks a target at the boundary and applies the defaults. Throws
 * `E_INVALIDARG` naming the first thing wrong, so a vendor's module mistake
 * reads as one, not as a failing plugin.
 */
export function resolveTarget(target: unknown, options: ConformanceOptions = {}, env: NodeJS.ProcessEnv = process.env): ResolvedTarget {
  if (typeof target !== 'object' || target === null) throw new WiaError(E_INVALIDARG, 'a conformance target must be an object { plugin, device }');
  const t = target as Partial<ConformanceTarget>;
  if (typeof t.plugin !== 'function' && !isRegisteredPlugin(t.plugin)) {
    throw new WiaError(E_INVALIDARG, '"plugin" must be a plugin class or a registry entry { descriptor, pluginClass }');
  }
  if (typeof t.device !== 'function') throw new WiaError(E_INVALIDARG, '"device" must be a function returning a SimulatedUsbDevice (or { device, contentOf })');
  if (t.item !== undefined && typeof t.item !== 'string') throw new WiaError(E_INVALIDARG, '"item" must be a full item name');
  if (t.prepare !== undefined && typeof t.prepare !== 'function') throw new WiaError(E_INVALIDARG, '"prepare" must be a function');
  const hardware = options.hardware ?? (env[OPENWIA_DEVICE_ENV] || undefined);
  return {
    name: t.name ?? pluginName(t.plugin),
    plugin: t.plugin,
    device: t.device,
    item: t.item,
    expectedItems: positiveInteger(t.expectedItems, 'expectedItems', 2),
    graceMs: positiveInteger(t.graceMs, 'graceMs', 2000),
    prepare: t.prepare,
    latencyRuns: positiveInteger(options.latencyRuns, 'latencyRuns', 20, true),
    transferTimeoutMs: positiveInteger(options.transferTimeoutMs, 'transferTimeoutMs', 30_000),
    hardware,
    usbBackend: options.usbBackend,
  };
}

/** Accepts what a target's `device()` returned, in either shape. */
export function asFixture(made: unknown): VirtualDeviceFixture {
  if (isSimulatedDevice(made)) return { device: made };
  if (typeof made === 'object' && made !== null && isSimulatedDevice((made as VirtualDeviceFixture).device)) return made as VirtualDeviceFixture;
  throw new WiaError(E_INVALIDARG, `the target's device() returned ${describeValue(made)}, not a SimulatedUsbDevice or { device, contentOf }`);
}

/** Duck-typed, so that a vendor's own copy of the testkit is accepted too. */
function isSimulatedDevice(value: unknown): value is SimulatedUsbDevice {
  const d = value as Partial<SimulatedUsbDevice> | null | undefined;
  return typeof d === 'object' && d !== null && typeof d.createTransport === 'function' && typeof d.faults === 'object' && typeof d.descriptor === 'object';
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}
