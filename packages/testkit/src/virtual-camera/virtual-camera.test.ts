import { expect } from 'chai';
import { decode } from 'jpeg-js';
import { createVirtualCamera } from './virtual-camera.js';

describe('virtual PTP camera', () => {
  it('by default holds five real JPEG photos with thumbnails over two storages', () => {
    const { control, device } = createVirtualCamera();
    expect(control.storages().map((s) => s.description)).to.deep.equal(['Internal Memory', 'SD Card']);
    const photos = control.photos();
    expect(photos.map((p) => p.filename)).to.deep.equal(['IMG_0001.JPG', 'IMG_0002.JPG', 'IMG_0003.JPG', 'IMG_0004.JPG', 'IMG_0005.JPG']);
    expect(new Set(photos.map((p) => p.storageId)).size).to.equal(2);
    for (const photo of photos) {
      const picture = decode(control.objectBytes(photo.handle), { useTArray: true });
      expect([picture.width, picture.height]).to.deep.equal([320, 240]);
      expect([decode(control.thumbnailBytes(photo.handle)!, { useTArray: true }).width, photo.thumbWidth]).to.deep.equal([160, 160]);
    }
    const iface = device.descriptor.configurations[0]!.interfaces[0]!;
    expect([iface.interfaceClass, iface.interfaceSubclass, iface.interfaceProtocol]).to.deep.equal([6, 1, 1]);
  });

  it('keeps photos in DCIM/100CANON as cameras do: folders are associations (GenericFolder), each object names its folder as ParentObject', () => {
    const { control } = createVirtualCamera();
    const stated = (handle: number) => objectInfoFields(control.objectInfo(handle));
    for (const storage of control.storages()) {
      const [dcim, folder] = control.folders().filter((f) => f.storageId === storage.id);
      expect(stated(dcim!.handle)).to.deep.equal({ format: 0x3001, parent: 0, associationType: 1, filename: 'DCIM' });
      expect(stated(folder!.handle)).to.deep.equal({ format: 0x3001, parent: dcim!.handle, associationType: 1, filename: '100CANON' });
      const photos = control.photos().filter((p) => p.storageId === storage.id);
      expect(photos.map((p) => stated(p.handle).parent)).to.deep.equal(photos.map(() => folder!.handle));
    }
  });

  it('puts a new folder into DCIM, and a new photo into the newest folder of DCIM', () => {
    const { control } = createVirtualCamera({ photos: 1 });
    const folder = control.addFolder('101CANON');
    expect(objectInfoFields(control.objectInfo(folder.handle)).parent).to.equal(control.object('DCIM').handle);
    expect(objectInfoFields(control.objectInfo(control.addPhoto().handle)).parent).to.equal(folder.handle);
  });

  it('draws nothing up front, nor to announce sizes: a photo and its thumbnail are drawn on first read, at the size ObjectInfo announced', () => {
    const { control } = createVirtualCamera({ photos: 200 });
    expect(control.photos()).to.have.length(200);
    const first = control.photos()[0]!;
    const announced = objectInfoSizes(control.objectInfo(first.handle));
    expect(control.picturesDrawn, 'ObjectInfo of a photo').to.equal(0);
    expect(control.objectBytes(first.handle)).to.have.length(announced.object);
    expect(control.picturesDrawn).to.equal(1);
    expect(control.thumbnailBytes(first.handle)).to.have.length(announced.thumbnail);
    expect(control.picturesDrawn).to.equal(2);
    control.objectBytes(first.handle);
    expect(control.picturesDrawn, 'drawn once, kept').to.equal(2);
  });

  it('announces an object of 4 GiB or more as 0xFFFFFFFF in ObjectInfo, not modulo 2^32', () => {
    const { control } = createVirtualCamera({ photos: 0, largeObjects: [{ name: 'LONG.MOV', size: 5 * 2 ** 30 }] });
    const info = control.objectInfo(control.object('LONG.MOV').handle);
    expect(new DataView(info.buffer, info.byteOffset).getUint32(8, true)).to.equal(0xffffffff);
  });

  it('draws different pictures for different photos', () => {
    const { control } = createVirtualCamera({ photos: 2 });
    const [a, b] = control.photos().map((p) => Buffer.from(control.objectBytes(p.handle)));
    expect(a!.equals(b!)).to.equal(false);
  });

  it('serves large objects from a generator, byte-exact by range, without holding them', () => {
    const { control } = createVirtualCamera({ photos: 0, largeObjects: [{ name: 'BIG.MOV', size: 1 << 30 }] });
    const big = control.object('BIG.MOV');
    expect(big.content.length).to.equal(1 << 30);
    expect([...big.content.read((1 << 30) - 4, 100)]).to.have.length(4);
    expect(Buffer.from(big.content.read(1000, 16)).equals(Buffer.from(big.content.read(990, 26).subarray(10)))).to.equal(true);
  });
});

/** ObjectCompressedSize and ThumbCompressedSize of an ObjectInfo dataset (PIMA 15740). */
function objectInfoSizes(dataset: Uint8Array): { object: number; thumbnail: number } {
  const view = new DataView(dataset.buffer, dataset.byteOffset, dataset.length);
  return { object: view.getUint32(8, true), thumbnail: view.getUint32(14, true) };
}

/** The ObjectInfo fields these tests look at: fixed offsets (PIMA 15740 ObjectInfo), Filename the first string. */
function objectInfoFields(dataset: Uint8Array): { format: number; parent: number; associationType: number; filename: string } {
  const view = new DataView(dataset.buffer, dataset.byteOffset, dataset.length);
  const units = Math.max(0, view.getUint8(52) - 1); // the count includes the terminating NUL
  const filename = String.fromCharCode(...Array.from({ length: units }, (_, i) => view.getUint16(53 + 2 * i, true)));
  return { format: view.getUint16(4, true), parent: view.getUint32(38, true), associationType: view.getUint16(42, true), filename };
}
