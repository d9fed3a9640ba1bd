import type { DependencyContainer, InjectionToken } from 'tsyringe';
import { E_FAIL, E_INVALIDARG, WIA_ERROR_INCORRECT_HARDWARE_SETTING, WiaError } from '../hresult/index.js';
import type { IWiaMiniDrv } from '../minidriver/index.js';
import { checkDescriptor, isLazy, type AnyPluginDefinition, type PluginClass, type PluginDescriptor, type RegisteredPlugin, type UsbMatch } from './plugin-definition.js';
import { tsyringe } from './tsyringe.js';

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

/** A registered plugin whose class may not be loaded yet. */
interface PluginEntry {
  descriptor: PluginDescriptor;
  pluginClass?: PluginClass;
  loadClass?: () => Promise<PluginClass>;
  loading?: Promise<void>;
}

function isLoaded(entry: PluginEntry): entry is PluginEntry & RegisteredPlugin {
  return entry.pluginClass !== undefined;
}

/** Classes already made injectable: tsyringe needs telling once per class. */
const injectableClasses = new WeakSet<PluginClass>();

/** Makes a plugin class injectable (its constructor receives `USB_TRANSPORT` and the like), once. */
function makeInjectable(pluginClass: PluginClass): void {
  if (injectableClasses.has(pluginClass)) return;
  tsyringe().injectable()(pluginClass as unknown as new (...args: unknown[]) => IWiaMiniDrv);
  injectableClasses.add(pluginClass);
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
  private readonly plugins: PluginEntry[] = [];
  /** The container, made on first use: tsyringe is not loaded until a driver is created. */
  private container: DependencyContainer | undefined;
  private makeContainer: () => DependencyContainer = () => tsyringe().container;

  /** A registry whose devices' containers are children of `container` (default: tsyringe's root container). */
  constructor(container?: DependencyContainer) {
    this.container = container;
  }

  /**
   * A registry holding exactly `plugins`, in a fresh child of tsyringe's root
   * container (so nothing registered for one registry's devices leaks into
   * another's). This is how an app picks its plugins:
   * `PluginRegistry.of([ptpPlugin])`.
   */
  static of(plugins: readonly AnyPluginDefinition[], container?: DependencyContainer): PluginRegistry {
    const registry = new PluginRegistry(container);
    if (!container) registry.makeContainer = () => tsyringe().container.createChildContainer();
    for (const plugin of plugins) {
      if (isLazy(plugin)) registry.registerLazy(plugin.descriptor, plugin.loadClass);
      else registry.register(plugin.pluginClass, plugin.descriptor);
    }
    return registry;
  }

  /** Registers a plugin; throws `E_INVALIDARG` for a nameless, duplicate or match-anything declaration. */
  register(pluginClass: PluginClass, descriptor: PluginDescriptor): void {
    this.add({ descriptor, pluginClass });
  }

  /** Registers a plugin whose class {@link loadMatching} loads when a device matches it; throws as {@link register} does. */
  registerLazy(descriptor: PluginDescriptor, loadClass: () => Promise<PluginClass>): void {
    this.add({ descriptor, loadClass });
  }

  /** The registered plugins whose class is loaded (a lazy one once {@link loadMatching} has loaded it). */
  list(): RegisteredPlugin[] {
    return this.plugins.filter(isLoaded).map(({ descriptor, pluginClass }) => ({ descriptor, pluginClass }));
  }

  /**
   * Loads the class of every lazily registered plugin that matches the device, so that
   * {@link matches}, {@link bestMatch} and {@link createDriver} see them. Rejects with the
   * loader's error (wrapped as a `WiaError`) when a class cannot be loaded.
   */
  async loadMatching(device: MatchableDevice): Promise<void> {
    const pending = this.plugins.filter((p) => !isLoaded(p) && matchScore(p.descriptor, device) >= 0);
    await Promise.all(pending.map((entry) => (entry.loading ??= this.load(entry))));
  }

  /** Plugins matching the device, best first (ties: first registered first); lazy plugins once loaded. */
  matches(device: MatchableDevice): PluginMatch[] {
    const found: PluginMatch[] = [];
    for (const { descriptor, pluginClass } of this.plugins.filter(isLoaded)) {
      const score = matchScore(descriptor, device);
      if (score >= 0) found.push({ descriptor, pluginClass, score });
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
    makeInjectable(plugin.pluginClass);
    const child = (this.container ??= this.makeContainer()).createChildContainer();
    for (const { token, value } of dependencies) child.register(token, { useValue: value });
    const driver = child.resolve<IWiaMiniDrv>(plugin.pluginClass as unknown as new () => IWiaMiniDrv);
    return { plugin: { descriptor: plugin.descriptor, pluginClass: plugin.pluginClass }, driver, container: child };
  }

  private add(entry: PluginEntry): void {
    checkDescriptor(entry.descriptor);
    if (this.plugins.some((p) => p.descriptor.name === entry.descriptor.name)) {
      throw new WiaError(E_INVALIDARG, `a plugin named ${entry.descriptor.name} is already registered`);
    }
    this.plugins.push(entry);
  }

  private async load(entry: PluginEntry): Promise<void> {
    try {
      const pluginClass = await entry.loadClass!();
      if (typeof pluginClass !== 'function') throw new TypeError(`its loader gave ${typeof pluginClass}, not a class`);
      entry.pluginClass = pluginClass;
    } catch (err) {
      // Forget the failed attempt: the next device that matches tries again.
      entry.loading = undefined;
      throw WiaError.from(err, E_FAIL, `plugin ${entry.descriptor.name} could not be loaded`);
    }
  }
}

/** The best score of any of a descriptor's matches for the device; `-1` when none matches. */
function matchScore(descriptor: PluginDescriptor, device: MatchableDevice): number {
  return Math.max(-1, ...descriptor.match.map((m) => scoreMatch(m, device)));
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
    makeInjectable(target);
    registry.register(target, descriptor);
    return target;
  };
}
