import { expect } from 'chai';
import { WIA_EVENT_ITEM_CREATED, WIA_EVENT_ITEM_DELETED, WIA_IPA_ITEM_SIZE, type WiaDevice } from '@openwia/core';
import { cameraBytes, download, openCameraRig, type CameraRig } from './camera-rig.js';

/** Resolves with the next device event of `kind`. */
function nextEvent(device: WiaDevice, kind: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const listener = (event: string, item: string | undefined): void => {
      if (event !== kind) return;
      device.off('event', listener);
      resolve(item);
    };
    device.on('event', listener);
  });
}

describe('PTP camera: camera events become WIA item events', () => {
  let rig: CameraRig;
  afterEach(async () => rig?.close());

  it('a new photo (ObjectAdded) appears as an item with its properties, ready to download', async () => {
    rig = await openCameraRig();
    const created = nextEvent(rig.device, WIA_EVENT_ITEM_CREATED);
    const photo = rig.camera.control.addPhoto();
    expect(await created).to.equal('Root\\Internal Memory\\DCIM\\100CANON\\IMG_0006.JPG');
    const item = rig.device.item('Root\\Internal Memory\\DCIM\\100CANON\\IMG_0006.JPG');
    expect(item.properties.value(WIA_IPA_ITEM_SIZE)).to.equal(photo.content.length);
    const { app } = await download(rig, item.fullName, 0);
    expect(app.files.get('IMG_0006.JPG')!.bytes.equals(cameraBytes(rig, 'IMG_0006.JPG'))).to.equal(true);
  });

  it('a photo deleted on the camera (ObjectRemoved) disappears with ITEM_DELETED', async () => {
    rig = await openCameraRig();
    const deleted = nextEvent(rig.device, WIA_EVENT_ITEM_DELETED);
    rig.camera.control.removeObject(rig.camera.control.object('IMG_0004.JPG').handle);
    expect(await deleted).to.equal('Root\\SD Card\\DCIM\\100CANON\\IMG_0004.JPG');
    expect(rig.device.item('Root\\SD Card\\DCIM\\100CANON').children.map((c) => c.name)).to.deep.equal(['IMG_0005.JPG']);
  });

  it('a card pulled and another inserted (StoreRemoved, StoreAdded)', async () => {
    rig = await openCameraRig();
    const removed = nextEvent(rig.device, WIA_EVENT_ITEM_DELETED);
    rig.camera.control.removeStorage(0x00020001);
    expect(await removed).to.equal('Root\\SD Card');
    const added = nextEvent(rig.device, WIA_EVENT_ITEM_CREATED);
    rig.camera.control.addStorage({ id: 0x00030001, description: 'CF Card', volumeLabel: 'CF', capacity: 2 ** 30, freeSpace: 2 ** 30 });
    expect(await added).to.equal('Root\\CF Card');
    expect(rig.device.root.children.map((c) => c.name)).to.deep.equal(['Internal Memory', 'CF Card']);
  });

  it('a photo taken during a transfer waits for the transfer, then appears', async () => {
    rig = await openCameraRig({ photos: 1, largeObjects: [{ name: 'MVI_0001.MOV', size: 2 * 1024 * 1024 }] });
    const created = nextEvent(rig.device, WIA_EVENT_ITEM_CREATED);
    let sent = false;
    const { report } = await download(rig, 'Root\\Internal Memory\\DCIM\\100CANON\\MVI_0001.MOV', 0, {
      message: () => {
        if (!sent) rig.camera.control.addPhoto();
        sent = true;
        return undefined;
      },
    });
    expect(report.outcome).to.equal('completed');
    expect(await created).to.equal('Root\\Internal Memory\\DCIM\\100CANON\\IMG_0002.JPG');
  });

  it('ignores malformed events and keeps listening', async () => {
    rig = await openCameraRig();
    for (const garbage of [new Uint8Array(0), new Uint8Array(5), Uint8Array.from([40, 0, 0, 0, 4, 0, 2, 0x40, 0, 0, 0, 0]), new Uint8Array(64).fill(0xff)]) {
      rig.camera.control.sendRawEvent(garbage);
    }
    const created = nextEvent(rig.device, WIA_EVENT_ITEM_CREATED);
    rig.camera.control.addPhoto();
    expect(await created).to.equal('Root\\Internal Memory\\DCIM\\100CANON\\IMG_0006.JPG');
  });
});
