import { expect } from 'chai';
import { E_INVALIDARG, WIA_EVENT_ITEM_CREATED, WIA_EVENT_ITEM_DELETED, WIA_TRANSFER_ACQUIRE_CHILDREN, WiaError, WiaItemType } from '@openwia/core';
import { PTP_IPA_OBJECT_HANDLE } from '../ptp-item-view.js';
import { cameraBytes, download, openCameraRig, type CameraRig } from './camera-rig.js';

/** The full names below `under`, without the `Root\` prefix. */
function namesBelow(rig: CameraRig, under = 'Root'): string[] {
  return [...rig.device.item(under).walk()].slice(1).map((item) => item.fullName.slice('Root\\'.length));
}

describe('PTP camera: folders (association objects) as WIA folders, end to end', () => {
  let rig: CameraRig;
  afterEach(async () => rig?.close());

  it('lists DCIM/100CANON as folders and downloads a photo inside them', async () => {
    rig = await openCameraRig();
    expect(namesBelow(rig, 'Root\\SD Card')).to.deep.equal(['SD Card\\DCIM', 'SD Card\\DCIM\\100CANON', 'SD Card\\DCIM\\100CANON\\IMG_0004.JPG', 'SD Card\\DCIM\\100CANON\\IMG_0005.JPG']);
    expect(rig.device.item('Root\\SD Card\\DCIM').flags).to.equal(WiaItemType.Folder);
    const { app, report } = await download(rig, 'Root\\SD Card\\DCIM\\100CANON\\IMG_0004.JPG', 0);
    expect(report.outcome).to.equal('completed');
    expect(app.files.get('IMG_0004.JPG')!.bytes.equals(cameraBytes(rig, 'IMG_0004.JPG'))).to.equal(true);
  });

  it('a folder transfer goes through sub-folders: DCIM, a storage and the root deliver each photo once', async () => {
    rig = await openCameraRig({ photos: 4, tangledFolders: true });
    const delivered = async (folder: string): Promise<string[]> => (await download(rig, folder, WIA_TRANSFER_ACQUIRE_CHILDREN)).report.items.map((i) => i.itemName);
    expect(await delivered('Root\\Internal Memory\\DCIM')).to.deep.equal(['IMG_0001.JPG', 'IMG_0002.JPG']);
    expect(await delivered('Root\\SD Card')).to.have.members(['IMG_0003.JPG', 'IMG_0004.JPG', 'IN_LOOP.JPG', 'ORPHAN.JPG', 'UNDER_FILE.JPG']).and.length(5);
    const everything = await delivered('Root');
    expect(everything).to.have.length(7);
    expect(new Set(everything).size).to.equal(7);
  });

  it('a camera whose ParentObjects lie (a cycle, a self-parented folder, missing parents) opens, and loses no object', async () => {
    rig = await openCameraRig({ photos: 0, tangledFolders: true });
    expect(namesBelow(rig, 'Root\\SD Card')).to.deep.equal([
      'SD Card\\DCIM',
      'SD Card\\DCIM\\100CANON',
      'SD Card\\LOOP_B',
      'SD Card\\LOOP_B\\LOOP_A',
      'SD Card\\LOOP_B\\LOOP_A\\IN_LOOP.JPG',
      'SD Card\\SELF',
      'SD Card\\ORPHAN.JPG',
      'SD Card\\UNDER_FILE.JPG',
      'SD Card\\MISC',
    ]);
    const { app } = await download(rig, 'Root\\SD Card\\LOOP_B\\LOOP_A\\IN_LOOP.JPG', 0);
    expect(app.files.get('IN_LOOP.JPG')!.bytes.equals(cameraBytes(rig, 'IN_LOOP.JPG'))).to.equal(true);
  });

  it('a new folder (ObjectAdded) appears, and the next photo appears inside it', async () => {
    rig = await openCameraRig();
    rig.camera.control.addFolder('101CANON');
    rig.camera.control.addPhoto();
    await rig.camera.control.eventsDelivered();
    await settled(rig, 2);
    expect(created(rig)).to.deep.equal(['Root\\Internal Memory\\DCIM\\101CANON', 'Root\\Internal Memory\\DCIM\\101CANON\\IMG_0006.JPG']);
  });

  it('a photo announced before its new folder brings the folder in first', async () => {
    rig = await openCameraRig();
    rig.camera.control.addFolder('101CANON', { announce: false });
    rig.camera.control.addPhoto();
    await settled(rig, 2);
    expect(created(rig)).to.deep.equal(['Root\\Internal Memory\\DCIM\\101CANON', 'Root\\Internal Memory\\DCIM\\101CANON\\IMG_0006.JPG']);
    expect(rig.device.item('Root\\Internal Memory\\DCIM\\101CANON').flags).to.equal(WiaItemType.Folder);
  });

  it('a folder removed on the camera (ObjectRemoved) takes its photos with it, with one ITEM_DELETED', async () => {
    rig = await openCameraRig();
    const photo = rig.device.item('Root\\SD Card\\DCIM\\100CANON\\IMG_0004.JPG');
    const folder = rig.device.item('Root\\SD Card\\DCIM\\100CANON');
    rig.camera.control.removeObject(folder.properties.value(PTP_IPA_OBJECT_HANDLE) as number);
    await rig.camera.control.eventsDelivered();
    // Delivered by the camera; the host handles it a moment later (several turns over the real USB stack).
    while (!rig.events.some((e) => e.event === WIA_EVENT_ITEM_DELETED)) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(rig.events.filter((e) => e.event === WIA_EVENT_ITEM_DELETED).map((e) => e.item)).to.deep.equal(['Root\\SD Card\\DCIM\\100CANON']);
    expect(photo.isDeleted).to.equal(true);
    expect(rig.device.item('Root\\SD Card\\DCIM').children).to.have.length(0);
  });

  it('a folder is not deleted from the camera through WIA: only pictures are', async () => {
    rig = await openCameraRig();
    const error = await rig.device.deleteItem(rig.device.item('Root\\SD Card\\DCIM')).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(WiaError).with.property('hresult', E_INVALIDARG);
    expect(rig.device.item('Root\\SD Card\\DCIM\\100CANON').children).to.have.length(2);
  });
});

/** Full names of the items created since the device was opened, in order. */
function created(rig: CameraRig): Array<string | undefined> {
  return rig.events.filter((e) => e.event === WIA_EVENT_ITEM_CREATED).map((e) => e.item);
}

/** Resolves once `count` ITEM_CREATED events have been raised (the pump handles events one after another). */
async function settled(rig: CameraRig, count: number): Promise<void> {
  while (created(rig).length < count) await new Promise((resolve) => setImmediate(resolve));
}
