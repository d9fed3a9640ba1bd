import type { InjectionToken } from 'tsyringe';
import type { UsbDeviceDescriptor } from './descriptors.js';
import type { UsbTransport } from './transport.js';

/** Injection token of the device's {@link UsbTransport} in its child container. */
export const USB_TRANSPORT: InjectionToken<UsbTransport> = Symbol.for('openwia.UsbTransport');
/** Injection token of the device's descriptor in its child container. */
export const USB_DEVICE_DESCRIPTOR: InjectionToken<UsbDeviceDescriptor> = Symbol.for('openwia.UsbDeviceDescriptor');
