import type { DeviceDriverBinding, PluginRegistry } from '../registry/index.js';
import type { UsbDeviceDescriptor } from '../usb/descriptors.js';
import { USB_DEVICE_DESCRIPTOR, USB_TRANSPORT } from '../usb/tokens.js';
import type { UsbTransport } from '../usb/transport.js';

/**
 * Creates the best plugin's driver for a USB device: the plugin's child
 * container holds the device's transport (`USB_TRANSPORT`) and descriptor
 * (`USB_DEVICE_DESCRIPTOR`). This is how the {@link DeviceManager} and the
 * conformance suite open a device; it throws `WIA_ERROR_INCORRECT_HARDWARE_SETTING`
 * when no plugin matches.
 */
export function createUsbDriver(registry: PluginRegistry, device: UsbDeviceDescriptor, transport: UsbTransport): DeviceDriverBinding {
  return registry.createDriver(device, [
    { token: USB_TRANSPORT, value: transport },
    { token: USB_DEVICE_DESCRIPTOR, value: device },
  ]);
}
