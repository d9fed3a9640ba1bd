/**
 * @packageDocumentation
 * OpenWIA device plugins: PTP still-image cameras and eSCL scanners over
 * IPP-USB. Importing this module registers nothing: hand the plugins you want
 * to a `DeviceManager`.
 *
 * @example
 * ```ts
 * import { DeviceManager, NodeUsbBackend } from '@openwia/core';
 * import { devicePlugins } from '@openwia/device-plugins';   // or: import { esclPlugin } from '@openwia/device-plugins/escl';
 * // or, loading a plugin's code only when a device matches it: import { lazyDevicePlugins } from '@openwia/device-plugins/lazy';
 * const devices = new DeviceManager({ backend: await NodeUsbBackend.load(), plugins: devicePlugins });
 * ```
 */
import type { PluginDefinition } from '@openwia/core';
import { esclPlugin } from './escl/index.js';
import { ptpPlugin } from './ptp/index.js';

export * from './escl/index.js';
export * from './lazy.js';
export * from './ptp/index.js';

/** Every plugin of this package, in matching order. */
export const devicePlugins: readonly PluginDefinition[] = Object.freeze([ptpPlugin, esclPlugin]);
