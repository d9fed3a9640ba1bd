import { WIA_ERROR_INCORRECT_HARDWARE_SETTING, WiaError, formatVidPid, type UsbDeviceDescriptor, type UsbEndpointDescriptor } from '@openwia/core';
import { STILL_IMAGE_INTERFACE } from './ptp-descriptor.js';

export { STILL_IMAGE_INTERFACE } from './ptp-descriptor.js';

/** Where a PTP device's interface and pipes are. */
export interface PtpEndpoints {
  configurationValue: number;
  interfaceNumber: number;
  bulkIn: UsbEndpointDescriptor;
  bulkOut: UsbEndpointDescriptor;
  /** Events; some devices have none. */
  interruptIn: UsbEndpointDescriptor | undefined;
}

/**
 * Finds the first still-image interface and its bulk IN, bulk OUT and
 * interrupt IN endpoints. Throws `WIA_ERROR_INCORRECT_HARDWARE_SETTING` when
 * the device has no usable PTP interface.
 */
export function findPtpEndpoints(device: UsbDeviceDescriptor): PtpEndpoints {
  for (const configuration of device.configurations) {
    for (const iface of configuration.interfaces) {
      if (
        iface.interfaceClass !== STILL_IMAGE_INTERFACE.interfaceClass ||
        iface.interfaceSubclass !== STILL_IMAGE_INTERFACE.interfaceSubclass ||
        iface.interfaceProtocol !== STILL_IMAGE_INTERFACE.interfaceProtocol
      ) {
        continue;
      }
      const find = (direction: 'in' | 'out', type: 'bulk' | 'interrupt') => iface.endpoints.find((e) => e.direction === direction && e.type === type);
      const bulkIn = find('in', 'bulk');
      const bulkOut = find('out', 'bulk');
      if (!bulkIn || !bulkOut || bulkIn.maxPacketSize <= 0 || bulkOut.maxPacketSize <= 0) continue;
      return {
        configurationValue: configuration.configurationValue,
        interfaceNumber: iface.interfaceNumber,
        bulkIn,
        bulkOut,
        interruptIn: find('in', 'interrupt'),
      };
    }
  }
  throw new WiaError(WIA_ERROR_INCORRECT_HARDWARE_SETTING, `${formatVidPid(device)} has no still-image (PTP) interface with bulk IN and OUT endpoints`);
}
