import { WIA_ERROR_INCORRECT_HARDWARE_SETTING, WiaError, type UsbDeviceDescriptor } from '@openwia/core';
import type { BulkPipePair } from './usb-pipe-connection.js';
import { IPP_USB_CLASS } from '../escl-descriptor.js';

export { IPP_USB_CLASS } from '../escl-descriptor.js';

/** The IPP-USB interfaces of a device and the configuration that holds them. */
export interface IppUsbLayout {
  configurationValue: number;
  pipes: BulkPipePair[];
}

/**
 * Finds every 7/1/4 interface (first alternate setting that is one) with a
 * bulk IN/OUT pair. Throws `WIA_ERROR_INCORRECT_HARDWARE_SETTING` when the
 * device has none.
 */
export function findIppUsbInterfaces(device: UsbDeviceDescriptor): IppUsbLayout {
  for (const configuration of device.configurations) {
    const pipes: BulkPipePair[] = [];
    const seen = new Set<number>();
    for (const iface of configuration.interfaces) {
      const isIppUsb =
        iface.interfaceClass === IPP_USB_CLASS.interfaceClass &&
        iface.interfaceSubclass === IPP_USB_CLASS.interfaceSubclass &&
        iface.interfaceProtocol === IPP_USB_CLASS.interfaceProtocol;
      if (!isIppUsb || seen.has(iface.interfaceNumber)) continue;
      const bulkIn = iface.endpoints.find((e) => e.type === 'bulk' && e.direction === 'in');
      const bulkOut = iface.endpoints.find((e) => e.type === 'bulk' && e.direction === 'out');
      if (!bulkIn || !bulkOut) continue;
      seen.add(iface.interfaceNumber);
      pipes.push({
        interfaceNumber: iface.interfaceNumber,
        inEndpoint: bulkIn.address,
        outEndpoint: bulkOut.address,
        maxPacketSize: Math.max(bulkIn.maxPacketSize, 1),
      });
    }
    if (pipes.length > 0) return { configurationValue: configuration.configurationValue, pipes };
  }
  throw new WiaError(WIA_ERROR_INCORRECT_HARDWARE_SETTING, 'the device has no IPP-USB (7/1/4) interface with a bulk IN/OUT pair');
}
