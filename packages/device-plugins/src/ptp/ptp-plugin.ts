import { definePlugin, type PluginDefinition } from '@openwia/core';
import { PtpCameraDriver } from './ptp-camera-driver.js';
import { PTP_PLUGIN_DESCRIPTOR } from './ptp-descriptor.js';

/**
 * The PTP plugin: still-image cameras and phones with a USB still image class
 * interface (6/1/1). Hand it to a `DeviceManager` (`plugins: [ptpPlugin]`).
 */
export const ptpPlugin: PluginDefinition = definePlugin(PTP_PLUGIN_DESCRIPTOR, PtpCameraDriver);
