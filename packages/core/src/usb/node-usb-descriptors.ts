import type { ConfigDescriptor, DeviceDescriptor, EndpointDescriptor } from 'usb';
import type { UsbConfigurationDescriptor, UsbDeviceDescriptor, UsbEndpointDescriptor } from './descriptors.js';

/** The parts of a node-usb `Device` that describe it without opening it. */
export interface NodeUsbDeviceIdentity {
  busNumber: number;
  deviceAddress: number;
  portNumbers?: number[] | undefined;
  deviceDescriptor: DeviceDescriptor;
  /** node-usb reads these from the OS cache; the getter may throw for devices the OS hides. */
  readonly allConfigDescriptors: ConfigDescriptor[];
}

/** The strings a device names itself with; readable only once it is open. */
export interface UsbDeviceStrings {
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
}

const TRANSFER_TYPES = ['control', 'isochronous', 'bulk', 'interrupt'] as const;

/** `1-4.2` (bus-port.port) like Linux sysfs; `1-@7` (bus-@address) where the OS gives no port path. */
export function nodeUsbLocation(device: Pick<NodeUsbDeviceIdentity, 'busNumber' | 'deviceAddress' | 'portNumbers'>): string {
  const ports = device.portNumbers ?? [];
  return ports.length > 0 ? `${device.busNumber}-${ports.join('.')}` : `${device.busNumber}-@${device.deviceAddress}`;
}

function endpoint(e: EndpointDescriptor): UsbEndpointDescriptor {
  return {
    address: e.bEndpointAddress,
    direction: e.bEndpointAddress & 0x80 ? 'in' : 'out',
    type: TRANSFER_TYPES[e.bmAttributes & 0x03]!,
    // Bits 11-12 encode extra transactions per microframe (high-bandwidth); the packet size is bits 0-10.
    maxPacketSize: e.wMaxPacketSize & 0x7ff,
  };
}

function configuration(c: ConfigDescriptor): UsbConfigurationDescriptor {
  return {
    configurationValue: c.bConfigurationValue,
    interfaces: c.interfaces.flat().map((i) => ({
      interfaceNumber: i.bInterfaceNumber,
      alternateSetting: i.bAlternateSetting,
      interfaceClass: i.bInterfaceClass,
      interfaceSubclass: i.bInterfaceSubClass,
      interfaceProtocol: i.bInterfaceProtocol,
      endpoints: i.endpoints.map(endpoint),
    })),
  };
}

/** Converts node-usb's descriptors into ours. A device whose configurations cannot be read is described without them. */
export function describeNodeUsbDevice(device: NodeUsbDeviceIdentity, strings: UsbDeviceStrings = {}): UsbDeviceDescriptor {
  const d = device.deviceDescriptor;
  let configurations: UsbConfigurationDescriptor[] = [];
  try {
    configurations = device.allConfigDescriptors.map(configuration);
  } catch {
    // Some OSes refuse to hand out descriptors of devices owned by another driver; it still lists, without interfaces.
  }
  return {
    vendorId: d.idVendor,
    productId: d.idProduct,
    deviceClass: d.bDeviceClass,
    deviceSubclass: d.bDeviceSubClass,
    deviceProtocol: d.bDeviceProtocol,
    location: nodeUsbLocation(device),
    ...strings,
    configurations,
  };
}
