import { expect } from 'chai';
import { WIA_DIP_DEV_DESC, WIA_DIP_VEND_DESC, WIA_IPC_THUMBNAIL } from '@openwia/core';
import { PtpOperation, PtpResponse } from '../ptp-codes.js';
import { readCapture } from './captures.js';
import { cameraBytes, download, openCameraRig, type CameraRig } from './camera-rig.js';

describe('PTP camera: the virtual camera replaying a real DeviceInfo, through the whole stack', () => {
  let rig: CameraRig;
  afterEach(async () => rig?.close());

  it('Canon EOS 1300D (capture cut inside SerialNumber): the device opens with its real names and downloads work', async () => {
    rig = await openCameraRig({ photos: 1, recordedDeviceInfo: readCapture('canon-eos-1300d/device-info.bin').dataset });
    const root = rig.device.item('Root');
    expect(root.properties.value(WIA_DIP_VEND_DESC)).to.equal('Canon Inc.');
    expect(root.properties.value(WIA_DIP_DEV_DESC)).to.equal('Canon EOS Rebel T6');
    const { app, report } = await download(rig, 'Root\\Internal Memory\\DCIM\\100CANON\\IMG_0001.JPG', 0);
    expect(report.outcome, String(report.error)).to.equal('completed');
    expect(app.files.get('IMG_0001.JPG')!.bytes.equals(cameraBytes(rig, 'IMG_0001.JPG'))).to.equal(true);
  });

  it('a phone that answers GetThumb with OperationNotSupported still lists, gives an empty thumbnail, and downloads', async () => {
    rig = await openCameraRig({ photos: 1 });
    rig.camera.control.faults.mutateNext('response', (c) => (new DataView(c.buffer).setUint16(6, PtpResponse.OperationNotSupported, true), c), PtpOperation.GetThumb);
    const photo = rig.device.item('Root\\Internal Memory\\DCIM\\100CANON\\IMG_0001.JPG');
    const thumbnail = (await rig.device.readProperties(photo, [WIA_IPC_THUMBNAIL])).get(WIA_IPC_THUMBNAIL) as Uint8Array;
    expect(thumbnail).to.have.length(0);
    const { report } = await download(rig, photo.fullName, 0);
    expect(report.outcome, String(report.error)).to.equal('completed');
  });

  it('identifies the Canon camera behind VendorExtensionID 6 (Microsoft) and notes its MTP operations', async () => {
    rig = await openCameraRig({ photos: 1, recordedDeviceInfo: readCapture('canon-eos-1300d/device-info.bin').dataset });
    expect(rig.driver.identity).to.deep.equal({ vendor: 'Canon', mtp: true, vendorExtension: { id: 6, description: '' } });
  });
});
