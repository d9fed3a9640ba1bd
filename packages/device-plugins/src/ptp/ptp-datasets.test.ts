import { expect } from 'chai';
import fc from 'fast-check';
import { CameraStore, bytesContent, type VirtualObjectInit } from '@openwia/testkit';
import { parseDeviceInfo, parseObjectInfo, parseStorageInfo, parseU32ArrayDataset, ptpDateToIso } from './ptp-datasets.js';
import { PtpProtocolError } from './ptp-errors.js';

/** PTP strings hold up to 254 UTF-16 units and end at the first NUL. */
const ptpString = fc.string({ maxLength: 254, unit: 'binary' }).map((s) => s.replace(/\0/g, ''));
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });

/** ObjectInfo fields as the virtual camera (an independent encoder) states them. */
const objectInit: fc.Arbitrary<VirtualObjectInit> = fc.record({
  storageId: u32,
  format: u16,
  filename: ptpString,
  captureDate: ptpString,
  modificationDate: ptpString,
  announcedSize: u32,
  width: u32,
  height: u32,
  bitDepth: u32,
  parent: u32,
  protection: fc.constantFrom(0, 1),
  thumbWidth: u32,
  thumbHeight: u32,
  announcedThumbSize: u32,
  thumbnail: fc.constant(undefined),
  content: fc.constant(bytesContent(new Uint8Array(0))),
});

function expectProtocolError(run: () => unknown): PtpProtocolError {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(PtpProtocolError);
    return err as PtpProtocolError;
  }
  throw new Error('expected a PtpProtocolError');
}

describe('PTP datasets', () => {
  it('parse ObjectInfo exactly as the virtual camera writes it', () => {
    fc.assert(
      fc.property(objectInit, (init) => {
        const store = new CameraStore();
        const object = store.addObject(init);
        const info = parseObjectInfo(store.objectInfo(object));
        expect(info).to.include({
          storageId: init.storageId,
          objectFormat: init.format,
          protectionStatus: init.protection,
          compressedSize: init.announcedSize,
          imagePixWidth: init.width,
          imagePixHeight: init.height,
          imageBitDepth: init.bitDepth,
          parentObject: init.parent,
          filename: init.filename,
          captureDate: init.captureDate,
          modificationDate: init.modificationDate,
          thumbCompressedSize: init.announcedThumbSize,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('parse StorageInfo, 64-bit capacities included', () => {
    const store = new CameraStore();
    const bytes = store.storageInfo({ id: 1, description: 'SD Card', volumeLabel: 'CARD', capacity: 64 * 2 ** 30, freeSpace: 2 ** 40 + 5 });
    expect(parseStorageInfo(bytes)).to.include({ storageDescription: 'SD Card', volumeLabel: 'CARD', maxCapacity: 64 * 2 ** 30, freeSpaceInBytes: 2 ** 40 + 5 });
  });

  it('every truncation of a valid ObjectInfo up to its Filename is a typed "truncated" error; after it, the rest defaults', () => {
    const store = new CameraStore();
    const bytes = store.objectInfo(store.addObject({ storageId: 1, format: 0x3801, filename: 'IMG_0001.JPG', captureDate: '20240501T120000', modificationDate: '', width: 1, height: 1, thumbnail: undefined, thumbWidth: 0, thumbHeight: 0, content: bytesContent(new Uint8Array(3)) }));
    const filenameEnd = 53 + 2 * ('IMG_0001.JPG'.length + 1);
    for (let cut = 0; cut < filenameEnd; cut++) {
      const err = expectProtocolError(() => parseObjectInfo(bytes.subarray(0, cut)));
      expect(err.fault).to.equal('truncated');
    }
    for (let cut = filenameEnd; cut < bytes.length; cut++) expect(parseObjectInfo(bytes.subarray(0, cut)).filename).to.equal('IMG_0001.JPG');
  });

  it('a lying array count is refused before anything is allocated', () => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, 0xffffffff, true);
    expect(expectProtocolError(() => parseU32ArrayDataset(bytes, 'ObjectHandles')).fault).to.equal('length');
  });

  it('parse arbitrary device bytes into a dataset or a PtpProtocolError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const parse of [parseDeviceInfo, parseStorageInfo, parseObjectInfo, (b: Uint8Array) => parseU32ArrayDataset(b, 'list')]) {
          try {
            parse(bytes);
          } catch (err) {
            expect(err).to.be.instanceOf(PtpProtocolError);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('converts PTP dates to ISO 8601 and refuses anything else', () => {
    expect(ptpDateToIso('20240501T123005')).to.equal('2024-05-01T12:30:05');
    expect(ptpDateToIso('20240501T123005.5Z')).to.equal('2024-05-01T12:30:05Z');
    expect(ptpDateToIso('20240501T123005+0200')).to.equal('2024-05-01T12:30:05+02:00');
    for (const bad of ['', 'yesterday', '20241341T256199', '20240230T120000', '20240501T246000', '2024-05-01T12:30:05']) expect(ptpDateToIso(bad), bad).to.equal(undefined);
  });
});
