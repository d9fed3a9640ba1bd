import {
  PluginRegistry,
  WIA_ERROR_ITEM_DELETED,
  WiaDevice,
  WiaError,
  createUsbDriver,
  defaultPluginRegistry,
  type DeviceDriverBinding,
  type RegisteredPlugin,
  type UsbDeviceDescriptor,
  type UsbTransport,
  type WiaDrvItem,
} from '@openwia/core';
import { AuditedTransport } from './audited-transport.js';
import type { DeviceSource, DeviceUnderTest } from './device-under-test.js';
import { pluginClassOf, type ResolvedTarget } from './target.js';
import { withDeadline } from './deadline.js';

/** Bound of `WiaDevice.open` and `close` (a plugin that hangs there fails instead of hanging the suite). */
const SESSION_CALL_DEADLINE_MS = 30_000;

/**
 * The registry entry the suite creates the plugin from: the entry given, the
 * one `@wiaPlugin` registered for the class, or — for a class registered
 * nowhere — one that matches exactly the device under test.
 */
function registryEntry(target: ResolvedTarget, device: UsbDeviceDescriptor): RegisteredPlugin {
  if (typeof target.plugin !== 'function') return target.plugin;
  const pluginClass = pluginClassOf(target.plugin);
  const declared = defaultPluginRegistry.list().find((p) => p.pluginClass === pluginClass);
  return declared ?? { pluginClass, descriptor: { name: target.name, match: [{ vendorId: device.vendorId, productId: device.productId }] } };
}

/** The item a target acquires: the one it names, or the first folder that can deliver several items. */
export function pickItem(device: WiaDevice, name: string | undefined): WiaDrvItem {
  if (name !== undefined) return device.item(name);
  const folders = device.items().filter((i) => i.isFolder && !i.isDeleted);
  const withChildren = folders.find((f) => f.children.filter((c) => c.isTransferable && !c.isDeleted).length >= 2);
  const found = withChildren ?? folders.find((f) => f.isTransferable);
  if (!found) throw new WiaError(WIA_ERROR_ITEM_DELETED, 'no folder with two transferable items and no transferable folder: name the item to acquire (target.item)');
  return found;
}

/** Why a session could not be opened. */
export class SessionOpenError extends Error {
  constructor(
    message: string,
    /** The device it was attempted on, when one was found. */
    readonly deviceLabel: string | undefined,
  ) {
    super(message);
    this.name = 'SessionOpenError';
  }
}

/**
 * One plugin session on one device, opened the way the device manager opens
 * it: the plugin created by `PluginRegistry.createDriver` in its own child
 * container, `WiaDevice.open` with the target's grace period. Closing it
 * checks that the plugin left the device as it found it.
 */
export class ConformanceSession {
  private constructor(
    readonly dut: DeviceUnderTest,
    readonly transport: AuditedTransport,
    readonly binding: DeviceDriverBinding,
    readonly device: WiaDevice,
    readonly item: WiaDrvItem,
    private readonly graceMs: number,
  ) {}

  /** Opens a session; throws {@link SessionOpenError} saying what failed. */
  static async open(target: ResolvedTarget, source: DeviceSource): Promise<ConformanceSession> {
    let dut: DeviceUnderTest;
    try {
      dut = await source.open();
    } catch (err) {
      throw new SessionOpenError(`the ${source.label} could not be opened: ${message(err)}`, undefined);
    }
    const transport = new AuditedTransport(dut.transport);
    let binding: DeviceDriverBinding | undefined;
    let device: WiaDevice | undefined;
    try {
      const registry = new PluginRegistry();
      const entry = registryEntry(target, dut.descriptor);
      registry.register(entry.pluginClass, entry.descriptor);
      binding = createUsbDriver(registry, dut.descriptor, transport);
      const driver = binding.driver;
      device = await withDeadline(WiaDevice.open(driver, { deviceId: `conformance:${dut.descriptor.location}`, graceMs: target.graceMs, resetHardware: () => resetDevice(dut.transport) }), SESSION_CALL_DEADLINE_MS, 'drvInitializeWia');
      const item = pickItem(device, target.item);
      await target.prepare?.(device, item);
      return new ConformanceSession(dut, transport, binding, device, item, target.graceMs);
    } catch (err) {
      await device?.close().catch(() => undefined);
      await cleanUp(dut.transport, binding);
      throw new SessionOpenError(message(err), dut.label);
    }
  }

  /**
   * Ends the session (`drvUnInitializeWia`) and returns what the plugin left
   * behind: interfaces still claimed, a transport it opened and did not
   * close, transfers still in flight. Empty when it left nothing. Cleans up
   * either way.
   */
  async close(): Promise<string[]> {
    const leaks: string[] = [];
    try {
      await withDeadline(this.device.close(), SESSION_CALL_DEADLINE_MS, 'drvUnInitializeWia');
    } catch (err) {
      leaks.push(message(err));
    }
    this.device.removeAllListeners();
    leaks.push(...(await this.findLeaks()));
    await cleanUp(this.dut.transport, this.binding);
    return leaks;
  }

  private async findLeaks(): Promise<string[]> {
    const leaks: string[] = [];
    const pending = [...this.transport.inFlight];
    if (pending.length) {
      // A transfer aborted by the close settles in a moment; one that nobody aborted never does.
      await withDeadline(Promise.all(pending.map((t) => t.settled)), this.graceMs, 'in-flight transfers').catch(() => undefined);
    }
    const stillClaimed = new Set([...this.transport.claimed, ...(this.dut.claimedInterfaces() ?? [])]);
    if (stillClaimed.size) leaks.push(`interface ${[...stillClaimed].join(', ')} still claimed after drvUnInitializeWia`);
    if (!this.transport.openAtHandover && this.dut.transport.opened) leaks.push('the transport it opened is still open after drvUnInitializeWia');
    const left = [...this.transport.inFlight];
    if (left.length) {
      const where = left.map((t) => `0x${t.endpointAddress.toString(16).padStart(2, '0')}`).join(', ');
      leaks.push(`${left.length} USB transfer(s) still in flight after drvUnInitializeWia (${where})`);
    }
    return leaks;
  }
}

/**
 * `resetHardware` for `WiaDevice`: resets over a transport the plugin may
 * never have opened (or already closed), and leaves it as it was.
 */
async function resetDevice(transport: UsbTransport): Promise<void> {
  const wasOpen = transport.opened;
  if (!wasOpen) await transport.open();
  try {
    await transport.reset();
  } finally {
    if (!wasOpen) await transport.close();
  }
}

async function cleanUp(transport: UsbTransport, binding: DeviceDriverBinding | undefined): Promise<void> {
  await transport.close().catch(() => undefined);
  if (binding) await Promise.resolve(binding.container.dispose()).catch(() => undefined);
}

/** An error's message, for a report line. */
export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
