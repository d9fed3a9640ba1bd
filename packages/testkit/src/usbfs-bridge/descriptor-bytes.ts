import type { UsbConfigurationDescriptor, UsbDeviceDescriptor, UsbEndpointDescriptor } from '@openwia/core';

/** Indexes of the string descriptors the bridge serves (0 is the language list). */
export const STRING_INDEX = { manufacturer: 1, product: 2, serialNumber: 3 } as const;

const TRANSFER_TYPE_BITS = { control: 0, isochronous: 1, bulk: 2, interrupt: 3 } as const;
/** bMaxPacketSize0 of every emulated device: a high-speed device's endpoint 0. */
export const CONTROL_MAX_PACKET = 64;

function u16(n: number): [number, number] {
  return [n & 0xff, (n >> 8) & 0xff];
}

/** The 18-byte standard device descriptor (USB 2.0 §9.6.1). */
export function deviceDescriptorBytes(d: UsbDeviceDescriptor): Uint8Array {
  return Uint8Array.from([
    18, 0x01, ...u16(0x0200), d.deviceClass, d.deviceSubclass, d.deviceProtocol, CONTROL_MAX_PACKET,
    ...u16(d.vendorId), ...u16(d.productId), ...u16(0x0100),
    d.manufacturer ? STRING_INDEX.manufacturer : 0,
    d.product ? STRING_INDEX.product : 0,
    d.serialNumber ? STRING_INDEX.serialNumber : 0,
    d.configurations.length,
  ]);
}

function endpointBytes(e: UsbEndpointDescriptor): number[] {
  // Interrupt endpoints poll every 2^(4-1) microframes (1 ms); bulk ignores bInterval.
  const interval = e.type === 'interrupt' ? 4 : 0;
  return [7, 0x05, e.address, TRANSFER_TYPE_BITS[e.type], ...u16(e.maxPacketSize), interval];
}

/** A full configuration descriptor with its interface and endpoint descriptors (USB 2.0 §9.6.3). */
export function configurationDescriptorBytes(c: UsbConfigurationDescriptor): Uint8Array {
  const body: number[] = [];
  for (const i of c.interfaces) {
    body.push(9, 0x04, i.interfaceNumber, i.alternateSetting, i.endpoints.length, i.interfaceClass, i.interfaceSubclass, i.interfaceProtocol, 0);
    for (const e of i.endpoints) body.push(...endpointBytes(e));
  }
  const interfaceCount = new Set(c.interfaces.map((i) => i.interfaceNumber)).size;
  // bmAttributes 0x80 (bus powered, as USB 2.0 requires bit 7), 100 mA.
  return Uint8Array.from([9, 0x02, ...u16(9 + body.length), interfaceCount, c.configurationValue, 0, 0x80, 50, ...body]);
}

/** What sysfs `descriptors` holds: the device descriptor followed by every configuration descriptor. */
export function sysfsDescriptorBytes(d: UsbDeviceDescriptor): Uint8Array {
  return Buffer.concat([deviceDescriptorBytes(d), ...d.configurations.map(configurationDescriptorBytes)]);
}

/** String descriptor `index` (0: the language list, US English), or `undefined` when the device has none. */
export function stringDescriptorBytes(d: UsbDeviceDescriptor, index: number): Uint8Array | undefined {
  if (index === 0) return Uint8Array.from([4, 0x03, 0x09, 0x04]);
  const key = (Object.keys(STRING_INDEX) as Array<keyof typeof STRING_INDEX>).find((k) => STRING_INDEX[k] === index);
  const text = key ? d[key] : undefined;
  if (text === undefined) return undefined;
  const utf16 = Buffer.from(text, 'utf16le');
  return Uint8Array.from([2 + utf16.length, 0x03, ...utf16]);
}

/** Answers a standard GET_DESCRIPTOR request (wValue = type << 8 | index), or `undefined` to stall. */
export function getDescriptor(d: UsbDeviceDescriptor, value: number): Uint8Array | undefined {
  const type = value >> 8;
  const index = value & 0xff;
  if (type === 0x01) return deviceDescriptorBytes(d);
  if (type === 0x02) {
    const c = d.configurations[index];
    return c ? configurationDescriptorBytes(c) : undefined;
  }
  if (type === 0x03) return stringDescriptorBytes(d, index);
  // Device qualifier, BOS, debug ...: a full-speed-only USB 2.0 device stalls them, which libusb and lsusb accept.
  return undefined;
}
