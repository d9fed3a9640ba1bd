import { expect } from 'chai';
import { CameraStore, bytesContent } from '@openwia/testkit';
import { readCapture } from './e2e/captures.js';
import { PtpOperation } from './ptp-codes.js';
import { PtpDataReader } from './ptp-data-reader.js';
import { parseDeviceInfo, parseObjectInfo } from './ptp-datasets.js';
import { identifyPtpDevice } from './ptp-device-identity.js';
import { PtpProtocolError } from './ptp-errors.js';

/** The fields of a DeviceInfo up to its vendor extension description: all a partial capture is sure to hold. */
function vendorExtension(dataset: Uint8Array): { standardVersion: number; vendorExtensionId: number; vendorExtensionDesc: string } {
  const r = new PtpDataReader(dataset, 'DeviceInfo');
  const standardVersion = r.u16('StandardVersion');
  const vendorExtensionId = r.u32('VendorExtensionID');
  r.u16('VendorExtensionVersion');
  return { standardVersion, vendorExtensionId, vendorExtensionDesc: r.string('VendorExtensionDesc') };
}

describe('PTP datasets from real devices (test-fixtures/ptp, see PROVENANCE.md)', () => {
  it('Canon EOS 1300D DeviceInfo, cut at its source inside SerialNumber: parsed, the cut string defaulted', () => {
    const capture = readCapture('canon-eos-1300d/device-info.bin');
    expect([capture.type, capture.code, capture.announcedLength, capture.truncated]).to.deep.equal([2, PtpOperation.GetDeviceInfo, 523, true]);
    const info = parseDeviceInfo(capture.dataset);
    expect(info).to.include({ standardVersion: 100, vendorExtensionId: 6, vendorExtensionDesc: '', manufacturer: 'Canon Inc.', model: 'Canon EOS Rebel T6', deviceVersion: '3-1.1.0', serialNumber: '' });
    expect(info.operationsSupported).to.have.length(167);
    expect(info.operationsSupported).to.include.members([PtpOperation.GetPartialObject, PtpOperation.GetObjectInfo, PtpOperation.GetThumb]);
    expect(info.imageFormats).to.include(0x3801); // EXIF/JPEG
    // VendorExtensionID 6 with an empty description, yet a Canon camera: told by its manufacturer.
    expect(identifyPtpDevice(info, 0x04a9)).to.deep.equal({ vendor: 'Canon', mtp: true, vendorExtension: { id: 6, description: '' } });
    expect(identifyPtpDevice({ ...info, manufacturer: '' }, 0x04a9).vendor, 'by USB vendor id when the name is missing').to.equal('Canon');
  });

  for (const [device, path, desc] of [
    ['Canon EOS M', 'canon-eos-m/device-info.partial.hex', ''],
    ['Nikon D3x', 'nikon-d3x/device-info.partial.hex', 'microsoft.com: 1.0'],
    ['an Android phone (MTP)', 'android-mtp-phone/device-info.partial.hex', 'microsoft.com: 1.0; android.com: 1.0;'],
  ] as const) {
    it(`${device} DeviceInfo (the first 240 bytes): VendorExtensionID 6 "${desc}", and the cut dataset is refused typed, not misread`, () => {
      const capture = readCapture(path);
      expect([capture.type, capture.code, capture.truncated]).to.deep.equal([2, PtpOperation.GetDeviceInfo, true]);
      expect(vendorExtension(capture.dataset)).to.deep.equal({ standardVersion: 100, vendorExtensionId: 6, vendorExtensionDesc: desc });
      // Cut inside a list, not inside the trailing strings: nothing sensible can be read from what is missing.
      expect(() => parseDeviceInfo(capture.dataset)).to.throw(PtpProtocolError);
    });
  }
});

describe('ObjectInfo as real devices deviate from the standard', () => {
  const store = new CameraStore();
  const photo = store.addObject({
    storageId: 0x10001,
    format: 0x3801,
    filename: 'IMG_20240501_120000.jpg',
    captureDate: '20240501T120000',
    modificationDate: '20240501T120000',
    width: 4000,
    height: 3000,
    thumbnail: undefined,
    thumbWidth: 0,
    thumbHeight: 0,
    content: bytesContent(new Uint8Array(123_456)),
  });
  const standard = store.objectInfo(photo);

  it('a 64-bit ObjectCompressedSize (Samsung phones) is detected: every later field is read where it really is', () => {
    // The same dataset with the size widened to a UINT64: four more bytes after the first eight.
    const samsung = new Uint8Array(standard.length + 4);
    samsung.set(standard.subarray(0, 12));
    samsung.set(standard.subarray(12), 16);
    const info = parseObjectInfo(samsung);
    expect(info).to.include({ compressedSize: 123_456, compressedSize64: true, filename: 'IMG_20240501_120000.jpg', imagePixWidth: 4000, imagePixHeight: 3000, captureDate: '20240501T120000' });
    expect(parseObjectInfo(standard).compressedSize64).to.equal(undefined);
  });

  it('an ObjectInfo that ends after its Filename: the dates and Keywords default to empty', () => {
    const filenameEnd = 53 + 2 * ('IMG_20240501_120000.jpg'.length + 1);
    for (const cut of [filenameEnd, filenameEnd + 1, filenameEnd + 7]) {
      const info = parseObjectInfo(standard.subarray(0, cut));
      expect(info.filename).to.equal('IMG_20240501_120000.jpg');
      expect([info.captureDate, info.keywords]).to.deep.equal(['', '']);
    }
    expect(() => parseObjectInfo(standard.subarray(0, filenameEnd - 1)), 'a cut Filename is still an error').to.throw(PtpProtocolError);
  });
});
