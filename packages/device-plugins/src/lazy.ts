/**
 * `@openwia/device-plugins/lazy`: every plugin of this package as a match table whose driver is
 * loaded only when a device matches it. Importing it loads no protocol code (no XML parser, no
 * DNS-SD): what a short-lived program that may meet no camera or scanner wants, e.g. `openwia list`.
 *
 * @example
 * ```ts
 * import { DeviceManager, NodeUsbBackend } from '@openwia/core/discovery';
 * import { lazyDevicePlugins } from '@openwia/device-plugins/lazy';
 * const devices = new DeviceManager({ backend: await NodeUsbBackend.load(), plugins: lazyDevicePlugins });
 * ```
 */
import type { LazyPluginDefinition } from '@openwia/core/discovery';
import { lazyEsclPlugin } from './escl/escl-lazy-plugin.js';
import { lazyPtpPlugin } from './ptp/ptp-lazy-plugin.js';

export { lazyEsclPlugin } from './escl/escl-lazy-plugin.js';
export { lazyPtpPlugin } from './ptp/ptp-lazy-plugin.js';

/** Every plugin of this package, lazily loaded, in the matching order of `devicePlugins`. */
export const lazyDevicePlugins: readonly LazyPluginDefinition[] = Object.freeze([lazyPtpPlugin, lazyEsclPlugin]);
