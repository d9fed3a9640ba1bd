import { definePlugin, type PluginDefinition } from '@openwia/core';
import { PtpCameraDriver } from './ptp-camera-driver.js';
import { STILL_IMAGE_INTERFACE } from './ptp-endpoints.js';

/**
 * The PTP plugin: still-image cameras and phones with a USB still image class
 * interface (6/1/1). Hand it to a `DeviceManager` (`plugins: [ptpPlugin]`).
 */
export const ptpPlugin: PluginDefinition = definePlugin(
  { name: 'ptp', description: 'PTP still-image cameras and phones (USB class 6/1/1)', match: [{ ...STILL_IMAGE_INTERFACE }] },
  PtpCameraDriver,
);
