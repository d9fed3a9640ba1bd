import { definePlugin, type PluginDefinition } from '@openwia/core';
import { EsclScannerDriver } from './escl-scanner-driver.js';
import { IPP_USB_CLASS } from './ipp-usb/ipp-usb-interfaces.js';

/**
 * The eSCL plugin: scanners and multifunction printers that speak eSCL over
 * IPP-USB (interface class 7/1/4). Hand it to a `DeviceManager` (`plugins: [esclPlugin]`).
 */
export const esclPlugin: PluginDefinition = definePlugin(
  { name: 'escl', description: 'eSCL scanners over IPP-USB', match: [{ ...IPP_USB_CLASS }] },
  EsclScannerDriver,
);
