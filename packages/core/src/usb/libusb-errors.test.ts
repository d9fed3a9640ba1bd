import { expect } from 'chai';
import { E_ACCESSDENIED, E_INVALIDARG, WIA_ERROR_DEVICE_COMMUNICATION, WIA_ERROR_OFFLINE } from '../hresult/index.js';
import { UsbAccessError, UsbDisconnectedError, UsbIoError, UsbOverflowError, UsbStallError, UsbTimeoutError } from './errors.js';
import { LIBUSB, mapLibusbError } from './libusb-errors.js';

function libusbError(errno: number, message = 'LIBUSB_ERROR'): Error & { errno: number } {
  return Object.assign(new Error(message), { errno });
}

describe('mapLibusbError', () => {
  const cases: Array<[string, number, new (...args: never[]) => Error, number]> = [
    ['transfer stall', LIBUSB.TRANSFER_STALL, UsbStallError, WIA_ERROR_DEVICE_COMMUNICATION],
    ['pipe error', LIBUSB.ERROR_PIPE, UsbStallError, WIA_ERROR_DEVICE_COMMUNICATION],
    ['transfer timeout', LIBUSB.TRANSFER_TIMED_OUT, UsbTimeoutError, WIA_ERROR_DEVICE_COMMUNICATION],
    ['transfer overflow', LIBUSB.TRANSFER_OVERFLOW, UsbOverflowError, WIA_ERROR_DEVICE_COMMUNICATION],
    ['transfer error', LIBUSB.TRANSFER_ERROR, UsbIoError, WIA_ERROR_DEVICE_COMMUNICATION],
    ['transfer no device', LIBUSB.TRANSFER_NO_DEVICE, UsbDisconnectedError, WIA_ERROR_OFFLINE],
    ['error no device', LIBUSB.ERROR_NO_DEVICE, UsbDisconnectedError, WIA_ERROR_OFFLINE],
    ['access denied', LIBUSB.ERROR_ACCESS, UsbAccessError, E_ACCESSDENIED],
    ['busy', LIBUSB.ERROR_BUSY, UsbAccessError, E_ACCESSDENIED],
    ['io', LIBUSB.ERROR_IO, UsbIoError, WIA_ERROR_DEVICE_COMMUNICATION],
  ];
  for (const [name, errno, type, hresult] of cases) {
    it(`maps ${name} (${errno}) to ${type.name} with ${hresult.toString(16)}`, () => {
      const mapped = mapLibusbError(libusbError(errno), { endpointAddress: 0x81 });
      expect(mapped).to.be.instanceOf(type);
      expect(mapped.hresult).to.equal(hresult);
      expect(mapped.cause).to.be.instanceOf(Error);
    });
  }

  it('maps invalid parameters to E_INVALIDARG', () => {
    expect(mapLibusbError(libusbError(LIBUSB.ERROR_INVALID_PARAM)).hresult).to.equal(E_INVALIDARG);
  });

  it('keeps the partial data of a failed transfer', () => {
    const mapped = mapLibusbError(libusbError(LIBUSB.TRANSFER_ERROR), { endpointAddress: 0x81, partialData: Uint8Array.of(1, 2) }) as UsbIoError;
    expect(mapped.partialData).to.deep.equal(Uint8Array.of(1, 2));
  });

  it('tells a Linux user which udev rule grants access', () => {
    const mapped = mapLibusbError(libusbError(LIBUSB.ERROR_ACCESS), { operation: 'open', vendorId: 0x04a9, productId: 0x1234, platform: 'linux' }) as UsbAccessError;
    expect(mapped.hint).to.contain('ATTRS{idVendor}=="04a9"').and.contain('ATTRS{idProduct}=="1234"').and.contain('udevadm');
  });

  it('tells a Windows user to install WinUSB', () => {
    const mapped = mapLibusbError(libusbError(LIBUSB.ERROR_ACCESS), { platform: 'win32' }) as UsbAccessError;
    expect(mapped.hint).to.contain('WinUSB');
  });

  it('says which interface another driver holds', () => {
    const mapped = mapLibusbError(libusbError(LIBUSB.ERROR_BUSY), { interfaceNumber: 1, platform: 'linux' }) as UsbAccessError;
    expect(mapped.message).to.contain('interface 1');
  });

  it('never returns a raw error, even for junk', () => {
    expect(mapLibusbError('weird')).to.be.instanceOf(UsbIoError);
    expect(mapLibusbError(undefined)).to.be.instanceOf(UsbIoError);
  });
});
