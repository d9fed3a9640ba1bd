import { E_INVALIDARG, E_NOTIMPL, E_OUTOFMEMORY, WiaError } from '../hresult/index.js';
import {
  UsbAccessError,
  UsbDisconnectedError,
  UsbIoError,
  UsbOverflowError,
  UsbStallError,
  UsbTimeoutError,
} from './errors.js';

/**
 * libusb's numbers, copied from `libusb.h` so that mapping errors does not
 * load the native module. Transfer statuses are positive (a completed
 * transfer's `errno`), libusb error codes negative (what a call throws).
 */
export const LIBUSB = {
  TRANSFER_COMPLETED: 0,
  TRANSFER_ERROR: 1,
  TRANSFER_TIMED_OUT: 2,
  TRANSFER_CANCELLED: 3,
  TRANSFER_STALL: 4,
  TRANSFER_NO_DEVICE: 5,
  TRANSFER_OVERFLOW: 6,
  ERROR_IO: -1,
  ERROR_INVALID_PARAM: -2,
  ERROR_ACCESS: -3,
  ERROR_NO_DEVICE: -4,
  ERROR_NOT_FOUND: -5,
  ERROR_BUSY: -6,
  ERROR_TIMEOUT: -7,
  ERROR_OVERFLOW: -8,
  ERROR_PIPE: -9,
  ERROR_INTERRUPTED: -10,
  ERROR_NO_MEM: -11,
  ERROR_NOT_SUPPORTED: -12,
  ERROR_OTHER: -99,
} as const;

/** What node-usb throws or passes to a callback: an `Error` with libusb's number in `errno`. */
export interface LibusbErrorLike {
  message: string;
  errno?: number;
}

/** Where the failure happened, for the message and the fix hint. */
export interface LibusbErrorContext {
  endpointAddress?: number;
  /** e.g. `open 04a9:1234 at 1-4`. */
  operation?: string;
  vendorId?: number;
  productId?: number;
  interfaceNumber?: number;
  partialData?: Uint8Array;
  platform?: NodeJS.Platform;
}

function hex4(n: number | undefined): string {
  return (n ?? 0).toString(16).padStart(4, '0');
}

/** How to get permission to open a device, per platform. */
export function accessHint(context: Pick<LibusbErrorContext, 'vendorId' | 'productId' | 'platform'>): string {
  const platform = context.platform ?? process.platform;
  if (platform === 'win32') return 'Install the WinUSB driver for this device (e.g. with Zadig) so that libusb may open it.';
  if (platform === 'darwin') return 'A macOS system driver holds the device; quit the application using it (Image Capture, Preview) and try again.';
  const rule = `SUBSYSTEM=="usb", ATTRS{idVendor}=="${hex4(context.vendorId)}", ATTRS{idProduct}=="${hex4(context.productId)}", MODE="0660", TAG+="uaccess"`;
  return `You lack permission on the device node. Add a udev rule to /etc/udev/rules.d/70-openwia.rules: ${rule} — then run "sudo udevadm control --reload-rules && sudo udevadm trigger" and replug the device.`;
}

/** How to free an interface another driver holds, per platform. */
export function busyHint(context: Pick<LibusbErrorContext, 'interfaceNumber' | 'platform'>): string {
  const which = context.interfaceNumber === undefined ? 'the interface' : `interface ${context.interfaceNumber}`;
  const platform = context.platform ?? process.platform;
  if (platform === 'linux') {
    return `Another driver or program holds ${which}. OpenWIA detaches kernel drivers itself; stop the user-space program holding it (e.g. "systemctl stop ipp-usb" for scanners, or the gvfs gphoto2 volume monitor for cameras).`;
  }
  return `Another driver or program holds ${which}; close the program using the device and try again.`;
}

/**
 * Turns a libusb failure into the `WiaError` a plugin can branch on: stall,
 * timeout, overflow, I/O, disconnect (`WIA_ERROR_OFFLINE`), access
 * (`E_ACCESSDENIED` with a fix). Never returns a raw library error.
 */
export function mapLibusbError(thrown: unknown, context: LibusbErrorContext = {}): WiaError {
  if (thrown instanceof WiaError) return thrown;
  const error = (thrown ?? {}) as LibusbErrorLike;
  const ep = context.endpointAddress ?? 0;
  const partialData = context.partialData ?? new Uint8Array(0);
  const options = { cause: thrown, partialData };
  const what = context.operation ?? `USB transfer on endpoint 0x${ep.toString(16)}`;
  switch (error.errno) {
    case LIBUSB.TRANSFER_STALL:
    case LIBUSB.ERROR_PIPE:
      return new UsbStallError(ep, options);
    case LIBUSB.TRANSFER_TIMED_OUT:
    case LIBUSB.ERROR_TIMEOUT:
      return new UsbTimeoutError(ep, 0, options);
    case LIBUSB.TRANSFER_OVERFLOW:
    case LIBUSB.ERROR_OVERFLOW:
      return new UsbOverflowError(ep, options);
    case LIBUSB.TRANSFER_NO_DEVICE:
    case LIBUSB.ERROR_NO_DEVICE:
      return new UsbDisconnectedError(ep, options);
    case LIBUSB.ERROR_ACCESS:
      return new UsbAccessError(`${what}: permission denied`, accessHint(context), { cause: thrown });
    case LIBUSB.ERROR_BUSY:
      return new UsbAccessError(`${what}: the device or interface is busy`, busyHint(context), { cause: thrown });
    case LIBUSB.ERROR_INVALID_PARAM:
    case LIBUSB.ERROR_NOT_FOUND:
      return new WiaError(E_INVALIDARG, `${what}: ${error.message}`, { cause: thrown });
    case LIBUSB.ERROR_NO_MEM:
      return new WiaError(E_OUTOFMEMORY, `${what}: ${error.message}`, { cause: thrown });
    case LIBUSB.ERROR_NOT_SUPPORTED:
      return new WiaError(E_NOTIMPL, `${what}: not supported on this platform`, { cause: thrown });
    default:
      return new UsbIoError(ep, error.message || String(thrown), options);
  }
}
