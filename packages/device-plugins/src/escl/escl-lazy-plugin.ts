import { defineLazyPlugin, type LazyPluginDefinition } from '@openwia/core/discovery';
import { ESCL_PLUGIN_DESCRIPTOR } from './escl-descriptor.js';

/**
 * The eSCL plugin as a match table only: its driver (and the XML parser under it) is loaded
 * when a device matches. What `@openwia/device-plugins/lazy` lists.
 */
export const lazyEsclPlugin: LazyPluginDefinition = defineLazyPlugin(ESCL_PLUGIN_DESCRIPTOR, async () => (await import('./escl-scanner-driver.js')).EsclScannerDriver);
