import { expect } from 'chai';
import fc from 'fast-check';
import { CameraStore, bytesContent } from '@openwia/testkit';
import { PtpObjectFormat } from './ptp-codes.js';
import { parseObjectInfo, type PtpObjectInfo } from './ptp-datasets.js';
import { MAX_FOLDER_DEPTH, placeObjects, type PtpObjectEntry, type PtpObjectPlacement } from './ptp-object-hierarchy.js';

const STORAGE = 0x00010001;
const ROOT = 0;
/** What many MTP devices (Android phones among them) send as ParentObject for the storage root. */
const MTP_ROOT = 0xffffffff;

/**
 * A storage's objects as their ObjectInfo datasets come off the wire: encoded
 * by the virtual camera's own writer (independent of this plugin's codec),
 * read back with the plugin's parser. `parent` names an entry by file name,
 * or is a raw ParentObject.
 */
function storageObjects(objects: Array<{ name: string; folder?: boolean; parent?: string | number }>): PtpObjectEntry[] {
  const store = new CameraStore();
  const handles = new Map<string, number>();
  const made = objects.map(({ name, folder }) => {
    const format = folder ? PtpObjectFormat.Association : PtpObjectFormat.ExifJpeg;
    const object = store.addObject({ storageId: STORAGE, format, filename: name, captureDate: '', modificationDate: '', width: 0, height: 0, thumbnail: undefined, thumbWidth: 0, thumbHeight: 0, content: bytesContent(new Uint8Array(1)) });
    handles.set(name, object.handle);
    return object;
  });
  objects.forEach(({ parent }, i) => (made[i]!.parent = typeof parent === 'string' ? handles.get(parent)! : (parent ?? ROOT)));
  return made.map((object) => ({ handle: object.handle, info: parseObjectInfo(store.objectInfo(object)) }));
}

/** Each placed object as `path/from/storage/root` (with the fallback, if any), in placement order. */
function paths(placements: readonly PtpObjectPlacement[]): string[] {
  const byHandle = new Map(placements.map((p) => [p.handle, p]));
  const path = (p: PtpObjectPlacement): string => (p.parent === undefined ? p.info.filename : `${path(byHandle.get(p.parent)!)}/${p.info.filename}`);
  return placements.map((p) => `${path(p)}${p.fallback ? ` (${p.fallback})` : ''}`);
}

describe('PTP object hierarchy: ParentObject to folders', () => {
  it('lays out a camera card as the camera does: DCIM/100CANON/IMG_0001.JPG, parents before children', () => {
    const entries = storageObjects([
      { name: 'IMG_0001.JPG', parent: '100CANON' },
      { name: '100CANON', folder: true, parent: 'DCIM' },
      { name: 'DCIM', folder: true },
      { name: 'IMG_0002.JPG', parent: '100CANON' },
      { name: 'MISC', folder: true },
    ]);
    const placed = placeObjects(entries);
    expect(paths(placed)).to.deep.equal(['DCIM', 'MISC', 'DCIM/100CANON', 'DCIM/100CANON/IMG_0001.JPG', 'DCIM/100CANON/IMG_0002.JPG']);
    expect(placed.map((p) => p.depth)).to.deep.equal([1, 1, 2, 3, 3]);
  });

  it('reads 0xFFFFFFFF as the storage root, as Android phones send it (DCIM/Camera, Pictures/Screenshots)', () => {
    const entries = storageObjects([
      { name: 'DCIM', folder: true, parent: MTP_ROOT },
      { name: 'Pictures', folder: true, parent: MTP_ROOT },
      { name: 'Camera', folder: true, parent: 'DCIM' },
      { name: 'Screenshots', folder: true, parent: 'Pictures' },
      { name: 'IMG_20240501_120000.jpg', parent: 'Camera' },
      { name: 'Screenshot_20240501.png', parent: 'Screenshots' },
    ]);
    expect(paths(placeObjects(entries))).to.deep.equal([
      'DCIM',
      'Pictures',
      'DCIM/Camera',
      'Pictures/Screenshots',
      'DCIM/Camera/IMG_20240501_120000.jpg',
      'Pictures/Screenshots/Screenshot_20240501.png',
    ]);
  });

  it('keeps objects whose parent is missing, a file, or themselves: at the storage root, never dropped', () => {
    const entries = storageObjects([{ name: 'ORPHAN.JPG', parent: 0x7fff0000 }, { name: 'UNDER_FILE.JPG', parent: 'ORPHAN.JPG' }, { name: 'SELF', folder: true }]);
    entries[2]!.info = { ...entries[2]!.info, parentObject: entries[2]!.handle };
    expect(paths(placeObjects(entries))).to.deep.equal(['ORPHAN.JPG (unknown-parent)', 'UNDER_FILE.JPG (unknown-parent)', 'SELF (unknown-parent)']);
  });

  it('cuts a cycle of folders where it closes; what is inside stays inside', () => {
    const entries = storageObjects([
      { name: 'A', folder: true },
      { name: 'B', folder: true, parent: 'A' },
      { name: 'C', folder: true, parent: 'B' },
      { name: 'IN_C.JPG', parent: 'C' },
    ]);
    entries[0]!.info = { ...entries[0]!.info, parentObject: entries[2]!.handle }; // A in C: A → C → B → A
    expect(paths(placeObjects(entries))).to.deep.equal(['B (cycle)', 'B/C', 'B/C/A', 'B/C/IN_C.JPG']);
  });

  it('bounds the depth: a chain deeper than MAX_FOLDER_DEPTH restarts at the storage root', () => {
    const chain = Array.from({ length: MAX_FOLDER_DEPTH + 5 }, (_, i) => ({ name: `F${i}`, folder: true, parent: i === 0 ? ROOT : `F${i - 1}` }));
    const placed = placeObjects(storageObjects(chain));
    expect(Math.max(...placed.map((p) => p.depth))).to.equal(MAX_FOLDER_DEPTH);
    expect(placed.filter((p) => p.fallback === 'too-deep').map((p) => p.info.filename)).to.deep.equal([`F${MAX_FOLDER_DEPTH}`]);
    expect(placed).to.have.length(MAX_FOLDER_DEPTH + 5);
  });

  it('follows a chain of 100 000 parents without recursion, and lists a handle the device repeats once', () => {
    const info = (parentObject: number, folder = true): PtpObjectInfo => ({ ...template, parentObject, objectFormat: folder ? PtpObjectFormat.Association : PtpObjectFormat.ExifJpeg });
    // Listed deepest first, so every object's parent is still unresolved when it is met.
    const entries: PtpObjectEntry[] = Array.from({ length: 100_000 }, (_, i) => ({ handle: 100_000 - i, info: info(100_000 - i - 1) }));
    const placed = placeObjects([...entries, entries[0]!]);
    expect(placed).to.have.length(100_000);
    expect(placed.every((p) => p.depth <= MAX_FOLDER_DEPTH)).to.equal(true);
  });

  it('whatever the device says: each object once, parents first, in a folder of the storage, never deeper than the bound', () => {
    const handle = fc.integer({ min: 1, max: 12 });
    const object = fc.record({ handle, folder: fc.boolean(), parent: fc.oneof(fc.constant(ROOT), fc.constant(MTP_ROOT), fc.integer({ min: 1, max: 15 })) });
    fc.assert(
      fc.property(fc.array(object, { maxLength: 30 }), (objects) => {
        const entries = objects.map(({ handle, folder, parent }) => ({ handle, info: { ...template, parentObject: parent, objectFormat: folder ? PtpObjectFormat.Association : PtpObjectFormat.Undefined } }));
        const placed = placeObjects(entries);
        expect(placed.map((p) => p.handle).sort((a, b) => a - b)).to.deep.equal([...new Set(objects.map((o) => o.handle))].sort((a, b) => a - b));
        const seen = new Map<number, PtpObjectPlacement>();
        for (const p of placed) {
          expect(p.depth).to.be.within(1, MAX_FOLDER_DEPTH);
          if (p.parent === undefined) expect(p.depth).to.equal(1);
          else {
            const parent = seen.get(p.parent);
            expect(parent, 'parent placed first').to.not.equal(undefined);
            expect(parent!.info.objectFormat).to.equal(PtpObjectFormat.Association);
            expect(p.depth).to.equal(parent!.depth + 1);
          }
          // Only a fallback moves an object away from the parent it names.
          if (!p.fallback) expect(p.parent ?? ROOT).to.equal(p.info.parentObject === MTP_ROOT ? ROOT : p.info.parentObject);
          seen.set(p.handle, p);
        }
      }),
    );
  });
});

/** An ObjectInfo with nothing in it but what a test sets. */
const template: PtpObjectInfo = {
  storageId: STORAGE,
  objectFormat: PtpObjectFormat.Undefined,
  protectionStatus: 0,
  compressedSize: 1,
  thumbFormat: 0,
  thumbCompressedSize: 0,
  thumbPixWidth: 0,
  thumbPixHeight: 0,
  imagePixWidth: 0,
  imagePixHeight: 0,
  imageBitDepth: 0,
  parentObject: ROOT,
  associationType: 0,
  associationDesc: 0,
  sequenceNumber: 0,
  filename: '',
  captureDate: '',
  modificationDate: '',
  keywords: '',
};
