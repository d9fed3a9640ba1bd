/** A USB endpoint as described by its descriptor. */
export interface UsbEndpointDescriptor {
  /** Endpoint address including the direction bit (0x81 = IN 1). */
  address: number;
  direction: 'in' | 'out';
  type: 'bulk' | 'interrupt' | 'isochronous' | 'control';
  maxPacketSize: number;
}

/** One alternate setting of an interface. */
export interface UsbInterfaceDescriptor {
  interfaceNumber: number;
  alternateSetting: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  endpoints: UsbEndpointDescriptor[];
}

/** One configuration of a device. */
export interface UsbConfigurationDescriptor {
  configurationValue: number;
  interfaces: UsbInterfaceDescriptor[];
}

/** What identifies a device and what it offers, readable without opening it. */
export interface UsbDeviceDescriptor {
  vendorId: number;
  productId: number;
  deviceClass: number;
  deviceSubclass: number;
  deviceProtocol: number;
  /** Bus/port path, stable while the device stays plugged in, e.g. `1-4.2`. */
  location: string;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  configurations: UsbConfigurationDescriptor[];
}

/** Formats VID:PID the way lsusb does: `04a9:1234`. */
export function formatVidPid(d: Pick<UsbDeviceDescriptor, 'vendorId' | 'productId'>): string {
  const hex = (n: number): string => n.toString(16).padStart(4, '0');
  return `${hex(d.vendorId)}:${hex(d.productId)}`;
}
