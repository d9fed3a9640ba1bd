import { definePlugin, type PluginDefinition } from '@openwia/core';
import { ESCL_PLUGIN_DESCRIPTOR } from './escl-descriptor.js';
import { EsclScannerDriver } from './escl-scanner-driver.js';

/**
 * The eSCL plugin: scanners and multifunction printers that speak eSCL over
 * IPP-USB (interface class 7/1/4). Hand it to a `DeviceManager` (`plugins: [esclPlugin]`).
 */
export const esclPlugin: PluginDefinition = definePlugin(ESCL_PLUGIN_DESCRIPTOR, EsclScannerDriver);
