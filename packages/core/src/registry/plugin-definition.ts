import { E_INVALIDARG, WiaError } from '../hresult/index.js';
import type { IWiaMiniDrv } from '../minidriver/index.js';

// What a plugin is, as a value an app lists: its declaration and its class, at hand or loaded on
// demand. The registry (plugin-registry.ts) matches devices against these.

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

/**
 * A plugin known by what it matches, whose driver class (and everything that class imports) is
 * loaded only when a device matches it: a command that meets no such device never pays for
 * its code. Made by {@link defineLazyPlugin}; a registry loads it in
 * {@link PluginRegistry.loadMatching}, which the `DeviceManager` calls before it matches a device.
 */
export interface LazyPluginDefinition {
  readonly descriptor: PluginDescriptor;
  /** Loads the driver class, e.g. `async () => (await import('./acme-driver.js')).AcmeDriver`. */
  readonly loadClass: () => Promise<PluginClass>;
}

/** A plugin as an app lists it: its class at hand ({@link definePlugin}) or loaded on demand ({@link defineLazyPlugin}). */
export type AnyPluginDefinition = PluginDefinition | LazyPluginDefinition;

/** Throws `E_INVALIDARG` for a nameless, match-nothing or match-everything declaration (the registry checks with it too). */
export function checkDescriptor(descriptor: PluginDescriptor): void {
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
 * Defines a plugin without registering it anywhere, and checks the declaration.
 * The class is made injectable (its constructor receives `USB_TRANSPORT` and the like)
 * when a registry first creates its driver. Throws `E_INVALIDARG` as {@link PluginRegistry.register} does.
 *
 * @example
 * ```ts
 * export const acmePlugin = definePlugin({ name: 'acme', match: [{ vendorId: 0x1234 }] }, AcmeDriver);
 * const devices = new DeviceManager({ backend, plugins: [acmePlugin] });
 * ```
 */
export function definePlugin(descriptor: PluginDescriptor, pluginClass: PluginClass): PluginDefinition {
  checkDescriptor(descriptor);
  return Object.freeze({ descriptor, pluginClass });
}

/**
 * Defines a plugin whose class is loaded only when a device matches it (see
 * {@link LazyPluginDefinition}). Throws `E_INVALIDARG` as {@link definePlugin} does.
 *
 * @example
 * ```ts
 * export const acmePlugin = defineLazyPlugin({ name: 'acme', match: [{ vendorId: 0x1234 }] }, async () => (await import('./acme-driver.js')).AcmeDriver);
 * ```
 */
export function defineLazyPlugin(descriptor: PluginDescriptor, loadClass: () => Promise<PluginClass>): LazyPluginDefinition {
  checkDescriptor(descriptor);
  return Object.freeze({ descriptor, loadClass });
}

/** `true` for a definition made by {@link defineLazyPlugin}. */
export function isLazy(plugin: AnyPluginDefinition): plugin is LazyPluginDefinition {
  return typeof (plugin as Partial<LazyPluginDefinition>).loadClass === 'function';
}
