import { expect } from 'chai';
import jpeg from 'jpeg-js';
import {
  PluginRegistry,
  WIA_CATEGORY_FOLDER,
  WIA_DIP_DEV_DESC,
  WIA_IPA_FILENAME_EXTENSION,
  WIA_IPA_FORMAT,
  WIA_IPA_ITEM_SIZE,
  WIA_IPA_ITEM_TIME,
  WIA_IPA_NUMBER_OF_LINES,
  WIA_IPA_PIXELS_PER_LINE,
  WIA_IPC_THUMB_WIDTH,
  WIA_IPC_THUMBNAIL,
  WIA_ERROR_ITEM_DELETED,
  WIA_EVENT_ITEM_DELETED,
  WiaDevice,
  WiaError,
  WiaImgFmt_JPEG,
  WiaItemType,
  createUsbDriver,
} from '@openwia/core';
import { createVirtualCamera } from '@openwia/testkit';
import { PTP_IPA_OBJECT_HANDLE, PTP_IPA_ORIGINAL_FILENAME, PTP_IPA_THUMBNAIL_AVAILABLE } from '../ptp-item-view.js';
import { devicePlugins } from '../../index.js';
import { PtpCameraDriver } from '../ptp-camera-driver.js';
import { openCameraRig, type CameraRig } from './camera-rig.js';

describe('PTP camera: items and properties (end to end on the virtual camera)', () => {
  let rig: CameraRig;
  afterEach(async () => rig?.close());

  it('is the plugin the registry picks for a still-image interface (6/1/1)', async () => {
    const camera = createVirtualCamera({ photos: 1 });
    const match = PluginRegistry.of(devicePlugins).bestMatch(camera.device.descriptor);
    expect(match?.pluginClass).to.equal(PtpCameraDriver);
    const registry = new PluginRegistry();
    registry.register(PtpCameraDriver, match!.descriptor);
    const binding = createUsbDriver(registry, camera.device.descriptor, camera.device.createTransport());
    expect(binding.driver).to.be.instanceOf(PtpCameraDriver);
    const device = await WiaDevice.open(binding.driver, { deviceId: 'sim:registry' });
    expect(device.items().map((i) => i.name)).to.include('IMG_0001.JPG');
    await device.close();
  });

  it('shows storages as folders, their DCIM/100CANON as folders in them, and photos as image items inside', async () => {
    rig = await openCameraRig();
    expect(rig.device.items().map((i) => i.fullName)).to.deep.equal([
      'Root',
      'Root\\Internal Memory',
      'Root\\Internal Memory\\DCIM',
      'Root\\Internal Memory\\DCIM\\100CANON',
      'Root\\Internal Memory\\DCIM\\100CANON\\IMG_0001.JPG',
      'Root\\Internal Memory\\DCIM\\100CANON\\IMG_0002.JPG',
      'Root\\Internal Memory\\DCIM\\100CANON\\IMG_0003.JPG',
      'Root\\SD Card',
      'Root\\SD Card\\DCIM',
      'Root\\SD Card\\DCIM\\100CANON',
      'Root\\SD Card\\DCIM\\100CANON\\IMG_0004.JPG',
      'Root\\SD Card\\DCIM\\100CANON\\IMG_0005.JPG',
    ]);
    const storage = rig.device.item('Root\\SD Card');
    expect(storage.flags & (WiaItemType.Folder | WiaItemType.Storage)).to.equal(WiaItemType.Folder | WiaItemType.Storage);
    const folder = rig.device.item('Root\\Internal Memory\\DCIM\\100CANON');
    expect([folder.flags, folder.category, folder.properties.value(PTP_IPA_ORIGINAL_FILENAME)]).to.deep.equal([WiaItemType.Folder, WIA_CATEGORY_FOLDER, '100CANON']);
    expect(folder.properties.value(PTP_IPA_OBJECT_HANDLE)).to.equal(rig.camera.control.object('100CANON').handle);
    const photo = rig.device.item('Root\\SD Card\\DCIM\\100CANON\\IMG_0004.JPG');
    expect(photo.flags & (WiaItemType.Image | WiaItemType.Transfer)).to.equal(WiaItemType.Image | WiaItemType.Transfer);
    expect(rig.device.root.properties.value(WIA_DIP_DEV_DESC)).to.equal('Virtual PTP Camera');
  });

  it('gives each photo its file name, size, format, pixel size, capture date and thumbnail facts', async () => {
    rig = await openCameraRig();
    const photo = rig.device.item('Root\\Internal Memory\\DCIM\\100CANON\\IMG_0002.JPG');
    const onCamera = rig.camera.control.object('IMG_0002.JPG');
    const values = await rig.device.readProperties(photo, [
      WIA_IPA_ITEM_SIZE,
      WIA_IPA_FORMAT,
      WIA_IPA_FILENAME_EXTENSION,
      WIA_IPA_PIXELS_PER_LINE,
      WIA_IPA_NUMBER_OF_LINES,
      WIA_IPA_ITEM_TIME,
      WIA_IPC_THUMB_WIDTH,
      PTP_IPA_THUMBNAIL_AVAILABLE,
      PTP_IPA_ORIGINAL_FILENAME,
    ]);
    expect(Object.fromEntries(values)).to.deep.equal({
      [WIA_IPA_ITEM_SIZE]: onCamera.content.length,
      [WIA_IPA_FORMAT]: WiaImgFmt_JPEG,
      [WIA_IPA_FILENAME_EXTENSION]: 'JPG',
      [WIA_IPA_PIXELS_PER_LINE]: 320,
      [WIA_IPA_NUMBER_OF_LINES]: 240,
      [WIA_IPA_ITEM_TIME]: '2024-05-03T12:00:02',
      [WIA_IPC_THUMB_WIDTH]: 160,
      [PTP_IPA_THUMBNAIL_AVAILABLE]: 1,
      [PTP_IPA_ORIGINAL_FILENAME]: 'IMG_0002.JPG',
    });
  });

  it('reads the thumbnail from the camera (GetThumb) when an app asks for it: a real JPEG', async () => {
    rig = await openCameraRig();
    const photo = rig.device.item('Root\\Internal Memory\\DCIM\\100CANON\\IMG_0001.JPG');
    const thumbnail = (await rig.device.readProperties(photo, [WIA_IPC_THUMBNAIL])).get(WIA_IPC_THUMBNAIL) as Uint8Array;
    expect(Buffer.from(thumbnail).equals(Buffer.from(rig.camera.control.thumbnailBytes(rig.camera.control.object('IMG_0001.JPG').handle)!))).to.equal(true);
    const decoded = jpeg.decode(thumbnail, { useTArray: true });
    expect([decoded.width, decoded.height]).to.deep.equal([160, 120]);
  });

  it('defuses hostile metadata: no path in a name, absurd numbers read as unknown, nothing crashes', async () => {
    rig = await openCameraRig({ photos: 1, hostileObjects: true });
    const names = rig.device.item('Root\\SD Card').children.map((c) => c.name);
    expect(names).to.include.members(['.._.._etc_passwd', 'C__Windows_evil_.._x.jpg', 'absurd.jpg', 'bell_']);
    for (const name of names) expect(name).to.not.match(/[\\/]|^\.\.?$/);
    expect(names.filter((n) => n.startsWith('Object '))).to.have.length(2); // ".." and "" got neutral names
    expect(names.every((n) => n.length <= 128)).to.equal(true);
    const absurd = rig.device.item('Root\\SD Card\\absurd.jpg');
    const values = await rig.device.readProperties(absurd, [WIA_IPA_PIXELS_PER_LINE, WIA_IPA_NUMBER_OF_LINES, WIA_IPC_THUMB_WIDTH, WIA_IPA_ITEM_TIME]);
    expect([...values.values()]).to.deep.equal([0, 0, 0, '2024-05-01T12:00:00']);
    // A thumbnail announced but absent (NoThumbnailPresent) reads as none, not as a failure of the whole read.
    const thumbnail = (await rig.device.readProperties(absurd, [WIA_IPC_THUMBNAIL])).get(WIA_IPC_THUMBNAIL) as Uint8Array;
    expect(thumbnail).to.have.length(0);
    const badDate = rig.device.item('Root\\SD Card\\bell_'); // a PTP string ends at its first NUL
    expect((await rig.device.readProperties(badDate, [WIA_IPA_ITEM_TIME])).get(WIA_IPA_ITEM_TIME)).to.equal('');
  });

  it('deletes a photo on the camera (drvDeleteItem) and raises exactly one ITEM_DELETED', async () => {
    rig = await openCameraRig();
    const photo = rig.device.item('Root\\Internal Memory\\DCIM\\100CANON\\IMG_0003.JPG');
    await rig.device.deleteItem(photo);
    expect(() => rig.camera.control.object('IMG_0003.JPG')).to.throw();
    await rig.camera.control.eventsDelivered(); // the camera's own ObjectRemoved has been read...
    await new Promise((resolve) => setImmediate(resolve)); // ...and handled
    expect(rig.events.filter((e) => e.event === WIA_EVENT_ITEM_DELETED)).to.deep.equal([{ event: WIA_EVENT_ITEM_DELETED, item: 'Root\\Internal Memory\\DCIM\\100CANON\\IMG_0003.JPG' }]);
    expect(() => rig.device.item('Root\\Internal Memory\\DCIM\\100CANON\\IMG_0003.JPG')).to.throw(WiaError).with.property('hresult', WIA_ERROR_ITEM_DELETED);
  });
});
