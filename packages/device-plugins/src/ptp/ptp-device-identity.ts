import { PtpOperation } from './ptp-codes.js';
import type { PtpDeviceInfo } from './ptp-datasets.js';

/** Who made a PTP device and which protocol family it speaks, as far as it can be told. */
export interface PtpDeviceIdentity {
  /** The maker (`Canon`, `Nikon`, ...), from the DeviceInfo Manufacturer or else the USB vendor id; `undefined` when neither says. */
  vendor: string | undefined;
  /** The device speaks MTP's object property operations (GetObjectPropValue...): phones, and many cameras too. */
  mtp: boolean;
  /** VendorExtensionID and its description as declared: 6 is Microsoft's (MTP) id, which Canon and Nikon cameras also declare. */
  vendorExtension: { id: number; description: string };
}

/** USB vendor ids of camera and phone makers (usb.ids). */
const USB_VENDORS: ReadonlyMap<number, string> = new Map([
  [0x04a9, 'Canon'],
  [0x04b0, 'Nikon'],
  [0x054c, 'Sony'],
  [0x04cb, 'Fujifilm'],
  [0x07b4, 'Olympus'],
  [0x04da, 'Panasonic'],
  [0x25fb, 'Ricoh'],
  [0x04e8, 'Samsung'],
  [0x18d1, 'Google'],
  [0x2717, 'Xiaomi'],
]);

/** Manufacturer strings seen from real devices, to the maker's name ("Canon Inc." → Canon, "Nikon Corporation" → Nikon). */
const MANUFACTURER_WORDS = ['Canon', 'Nikon', 'Sony', 'Fujifilm', 'Olympus', 'Panasonic', 'Ricoh', 'Samsung', 'Google', 'Xiaomi'];

/**
 * Tells what a PTP device is. The vendor extension id alone does not: Canon
 * and Nikon cameras declare 6 (Microsoft) with an empty or "microsoft.com: 1.0"
 * description, like phones. The maker comes from the Manufacturer string, or
 * from the USB vendor id when the string is missing (cut short) or unknown;
 * MTP from the operations the device lists. Vendor operations stay possible:
 * the identity is what a plugin extension would key them on.
 */
export function identifyPtpDevice(info: Pick<PtpDeviceInfo, 'vendorExtensionId' | 'vendorExtensionDesc' | 'manufacturer' | 'operationsSupported'>, usbVendorId?: number): PtpDeviceIdentity {
  const manufacturer = info.manufacturer.toLowerCase();
  const named = MANUFACTURER_WORDS.find((word) => manufacturer.includes(word.toLowerCase()));
  return {
    vendor: named ?? (usbVendorId === undefined ? undefined : USB_VENDORS.get(usbVendorId)),
    mtp: info.operationsSupported.includes(PtpOperation.GetObjectPropValue) || /android\.com/i.test(info.vendorExtensionDesc),
    vendorExtension: { id: info.vendorExtensionId, description: info.vendorExtensionDesc },
  };
}
