import { defineLazyPlugin, type LazyPluginDefinition } from '@openwia/core/discovery';
import { PTP_PLUGIN_DESCRIPTOR } from './ptp-descriptor.js';

/**
 * The PTP plugin as a match table only: its driver (and the protocol code under it) is
 * loaded when a device matches. What `@openwia/device-plugins/lazy` lists.
 */
export const lazyPtpPlugin: LazyPluginDefinition = defineLazyPlugin(PTP_PLUGIN_DESCRIPTOR, async () => (await import('./ptp-camera-driver.js')).PtpCameraDriver);
