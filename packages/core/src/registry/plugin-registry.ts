import 'reflect-metadata';
import { container as rootContainer, injectable, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { E_INVALIDARG, WIA_ERROR_INCORRECT_HARDWARE_SETTING, WiaError } from '../hresult/index.js';
import type { IWiaMiniDrv } from '../minidriver/index.js';

/**
 * What the registry needs to know of a device to pick its plugin. A USB
 * `UsbDeviceDescriptor` is one; the registry does not depend on the transport
 * layer, so any bus whose devices can describe themselves this way can use it.
 */
export interface MatchableDevice {
  vendorId: number;
  productId: number;
  product?: string;
  configurations: ReadonlyArray<{
    interfaces: ReadonlyArray<{ interfaceClass: number; interfaceSubclass: number; interfaceProtocol: number }>;
  }>;
}

/** A value a plugin receives by constructor injection (`@inject(token)`), e.g. its transport. */
export interface PluginDependency<T = unknown> {
  token: InjectionToken<T>;
  value: T;
}

/** What a plugin says it drives. Every field given must match; absent fields match anything. */
export interface UsbMatch {
  vendorId?: number;
  productId?: number;
  interfaceClass?: number;
  interfaceSubclass?: number;
  interfaceProtocol?: number;
}

/** A plugin's declaration. */
export interface PluginDescriptor {
  /** Short unique name, e.g. `ptp` or `escl`. */
  name: string;
  description?: string;
  match: UsbMatch[];
}

/** A plugin class: constructed by tsyringe, its dependencies injected. */
export type PluginClass = new (...args: never[]) => IWiaMiniDrv;

/** A registered plugin. */
export interface RegisteredPlugin {
  descriptor: PluginDescriptor;
  pluginClass: PluginClass;
}

/**
 * A plugin as a value: what it matches and the class that drives it. Each
 * plugin folder exports one (`ptpPlugin`, `esclPlugin`); an app hands the
 * list it wants to a `DeviceManager` or to {@link PluginRegistry.of}.
 */
export type PluginDefinition = Readonly<RegisteredPlugin>;

/** Throws `E_INVALIDARG` for a nameless, match-nothing or match-everything declaration. */
function checkDescriptor(descriptor: PluginDescriptor): void {
  if (!descriptor.name) throw new WiaError(E_INVALIDARG, 'a plugin needs a name');
  if (!descriptor.match.length) throw new WiaError(E_INVALIDARG, `plugin ${descriptor.name} matches no device: give it at least one match`);
  for (const match of descriptor.match) {
    if (match.productId !== undefined && match.vendorId === undefined) {
      throw new WiaError(E_INVALIDARG, `plugin ${descriptor.name}: a productId means nothing without its vendorId`);
    }
    if (match.vendorId === undefined && match.interfaceClass === undefined) {
      throw new WiaError(E_INVALIDARG, `plugin ${descriptor.name}: a match needs a vendorId or an interfaceClass, or it would claim every device`);
    }
  }
}

/**
 * Defines a plugin without registering it anywhere: makes the class
 * injectable (its constructor receives `USB_TRANSPORT` and the like) and
 * checks the declaration. Throws `E_INVALIDARG` as {@link PluginRegistry.register} does.
 *
 * @example
 * ```ts
 * export const acmePlugin = definePlugin({ name: 'acme', match: [{ vendorId: 0x1234 }] }, AcmeDriver);
 * const devices = new DeviceManager({ backend, plugins: [acmePlugin] });
 * ```
 */
export function definePlugin(descriptor: PluginDescriptor, pluginClass: PluginClass): PluginDefinition {
  checkDescriptor(descriptor);
  injectable()(pluginClass as unknown as new (...args: unknown[]) => IWiaMiniDrv);
  return Object.freeze({ descriptor, pluginClass });
}

/** A plugin that matches a device, and how well. */
export interface PluginMatch extends RegisteredPlugin {
  score: number;
}

/** A driver created for a device, with the child container that owns its dependencies. */
export interface DeviceDriverBinding {
  plugin: RegisteredPlugin;
  driver: IWiaMiniDrv;
  container: DependencyContainer;
}

/**
 * How specific a match is: a product beats a vendor, which beats an interface
 * class; each interface field adds to it. `-1` when it does not match.
 */
export function scoreMatch(match: UsbMatch, device: MatchableDevice): number {
  if (match.vendorId !== undefined && match.vendorId !== device.vendorId) return -1;
  if (match.productId !== undefined && match.productId !== device.productId) return -1;
  let score = (match.vendorId !== undefined ? 100 : 0) + (match.productId !== undefined ? 200 : 0);
  const wantsInterface = match.interfaceClass !== undefined || match.interfaceSubclass !== undefined || match.interfaceProtocol !== undefined;
  if (!wantsInterface) return score;
  const interfaces = device.configurations.flatMap((c) => c.interfaces);
  const found = interfaces.some(
    (i) =>
      (match.interfaceClass === undefined || match.interfaceClass === i.interfaceClass) &&
      (match.interfaceSubclass === undefined || match.interfaceSubclass === i.interfaceSubclass) &&
      (match.interfaceProtocol === undefined || match.interfaceProtocol === i.interfaceProtocol),
  );
  if (!found) return -1;
  for (const field of [match.interfaceClass, match.interfaceSubclass, match.interfaceProtocol]) if (field !== undefined) score += 10;
  return score;
}

/**
 * The plugins known to a process. Each device gets a child container of the
 * registry's container holding the dependencies its opener provides (for USB:
 * its transport and descriptor, see `createUsbDriver`), so a plugin receives
 * them by constructor injection (`@inject(USB_TRANSPORT)`).
 */
export class PluginRegistry {
  private readonly plugins: RegisteredPlugin[] = [];

  constructor(private readonly container: DependencyContainer = rootContainer) {}

  /**
   * A registry holding exactly `plugins`, in a fresh child of tsyringe's root
   * container (so nothing registered for one registry's devices leaks into
   * another's). This is how an app picks its plugins:
   * `PluginRegistry.of([ptpPlugin])`.
   */
  static of(plugins: readonly PluginDefinition[], container: DependencyContainer = rootContainer.createChildContainer()): PluginRegistry {
    const registry = new PluginRegistry(container);
    for (const plugin of plugins) registry.register(plugin.pluginClass, plugin.descriptor);
    return registry;
  }

  /** Registers a plugin; throws `E_INVALIDARG` for a nameless, duplicate or match-anything declaration. */
  register(pluginClass: PluginClass, descriptor: PluginDescriptor): void {
    checkDescriptor(descriptor);
    if (this.plugins.some((p) => p.descriptor.name === descriptor.name)) {
      throw new WiaError(E_INVALIDARG, `a plugin named ${descriptor.name} is already registered`);
    }
    this.plugins.push({ descriptor, pluginClass });
  }

  list(): RegisteredPlugin[] {
    return [...this.plugins];
  }

  /** Plugins matching the device, best first (ties: first registered first). */
  matches(device: MatchableDevice): PluginMatch[] {
    const found: PluginMatch[] = [];
    for (const plugin of this.plugins) {
      const score = Math.max(-1, ...plugin.descriptor.match.map((m) => scoreMatch(m, device)));
      if (score >= 0) found.push({ ...plugin, score });
    }
    return found.sort((a, b) => b.score - a.score);
  }

  /** The best plugin for a device, or `undefined`. */
  bestMatch(device: MatchableDevice): PluginMatch | undefined {
    return this.matches(device)[0];
  }

  /**
   * Creates the best plugin's driver for a device in a new child container
   * holding `dependencies`. Throws `WIA_ERROR_INCORRECT_HARDWARE_SETTING` when
   * no plugin matches.
   */
  createDriver(device: MatchableDevice, dependencies: readonly PluginDependency[]): DeviceDriverBinding {
    const plugin = this.bestMatch(device);
    if (!plugin) {
      throw new WiaError(WIA_ERROR_INCORRECT_HARDWARE_SETTING, `no plugin drives ${describeDevice(device)}`);
    }
    const child = this.container.createChildContainer();
    for (const { token, value } of dependencies) child.register(token, { useValue: value });
    const driver = child.resolve<IWiaMiniDrv>(plugin.pluginClass as unknown as new () => IWiaMiniDrv);
    return { plugin: { descriptor: plugin.descriptor, pluginClass: plugin.pluginClass }, driver, container: child };
  }
}

/** `04a9:1234 (EOS R5)`, the way lsusb names a device. */
export function describeDevice(device: Pick<MatchableDevice, 'vendorId' | 'productId' | 'product'>): string {
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  return `${hex(device.vendorId)}:${hex(device.productId)} (${device.product ?? 'unknown product'})`;
}

/**
 * The registry plugins declared with {@link wiaPlugin} join unless told
 * otherwise, and the one a `DeviceManager` given no plugins uses. Prefer an
 * explicit list ({@link definePlugin}, {@link PluginRegistry.of}): a registry
 * filled by import side effects is shared by everything in the process.
 */
export const defaultPluginRegistry = new PluginRegistry();

/**
 * Declares a plugin class: makes it injectable and registers it with what it
 * matches.
 *
 * @example
 * ```ts
 * @wiaPlugin({ name: 'ptp', match: [{ interfaceClass: 6, interfaceSubclass: 1, interfaceProtocol: 1 }] })
 * export class PtpCameraDriver extends AbortableMiniDriver {
 *   constructor(@inject(USB_TRANSPORT) private readonly usb: UsbTransport) { super(); }
 * }
 * ```
 */
export function wiaPlugin(descriptor: PluginDescriptor, registry: PluginRegistry = defaultPluginRegistry) {
  return <T extends PluginClass>(target: T): T => {
    injectable()(target as unknown as new (...args: unknown[]) => IWiaMiniDrv);
    registry.register(target, descriptor);
    return target;
  };
}
