import { expect } from 'chai';
import jpeg from 'jpeg-js';
import { E_INVALIDARG, S_OK, WIA_IPA_BUFFER_SIZE, WIA_TRANSFER_ACQUIRE_CHILDREN, WIA_TRANSFER_MSG_STATUS, WiaError } from '@openwia/core';
import { createVirtualCamera } from '@openwia/testkit';
import { PtpCameraDriver } from '../ptp-camera-driver.js';
import { PtpOperation } from '../ptp-codes.js';
import { TEST_DRIVER_OPTIONS, cameraBytes, download, openCameraRig, skipping, type CameraRig } from './camera-rig.js';

const MiB = 1024 * 1024;

describe('PTP camera: downloads (end to end on the virtual camera)', () => {
  let rig: CameraRig;
  afterEach(async () => rig?.close());

  it('downloads every photo of both storages in one multi-item transfer, skipping the one the app skips', async () => {
    rig = await openCameraRig();
    const { app, report } = await download(rig, 'Root', WIA_TRANSFER_ACQUIRE_CHILDREN, { stream: skipping('IMG_0002.JPG') });
    expect(report.outcome).to.equal('completed');
    expect(report.items.map((i) => [i.itemName, i.status])).to.deep.equal([
      ['IMG_0001.JPG', 'transferred'],
      ['IMG_0002.JPG', 'skipped'],
      ['IMG_0003.JPG', 'transferred'],
      ['IMG_0004.JPG', 'transferred'],
      ['IMG_0005.JPG', 'transferred'],
    ]);
    for (const [name, sink] of app.files) {
      expect(sink.bytes.equals(cameraBytes(rig, name)), name).to.equal(true);
      const picture = jpeg.decode(sink.bytes, { useTArray: true });
      expect([picture.width, picture.height]).to.deep.equal([320, 240]);
    }
    const skippedHandle = rig.camera.control.object('IMG_0002.JPG').handle;
    const reads = rig.camera.control.log.filter((e) => e.code === PtpOperation.GetPartialObject || e.code === PtpOperation.GetObject);
    expect(reads.some((e) => e.params[0] === skippedHandle), 'a skipped photo is not read from the camera').to.equal(false);
  });

  it('reads a large object in GetPartialObject chunks, with progress, into the exact bytes', async () => {
    const size = 5 * MiB + 123;
    rig = await openCameraRig({ photos: 1, largeObjects: [{ name: 'MVI_0001.MOV', size }] });
    const { app, report } = await download(rig, 'Root\\Internal Memory\\DCIM\\100CANON\\MVI_0001.MOV', 0);
    expect(report.hresult).to.equal(S_OK);
    expect(app.files.get('MVI_0001.MOV')!.bytes.equals(cameraBytes(rig, 'MVI_0001.MOV'))).to.equal(true);
    const chunks = rig.camera.control.log.filter((e) => e.code === PtpOperation.GetPartialObject);
    expect(chunks.map((e) => e.params[1])).to.deep.equal([0, 1, 2, 3, 4, 5].map((n) => n * MiB));
    const progress = app.messages.filter((m) => m.lMessage === WIA_TRANSFER_MSG_STATUS).map((m) => m.lPercentComplete);
    expect(progress.at(-1)).to.equal(100);
    expect([...progress].sort((a, b) => a - b)).to.deep.equal(progress);
  });

  it('reads a picture in 256 KiB USB reads (its WIA_IPA_BUFFER_SIZE), or in the size the options give', async () => {
    const size = 2 * MiB;
    const item = 'Root\\Internal Memory\\DCIM\\100CANON\\MVI_0001.MOV';
    rig = await openCameraRig({ photos: 1, largeObjects: [{ name: 'MVI_0001.MOV', size }] });
    expect(rig.device.item(item).properties.value(WIA_IPA_BUFFER_SIZE)).to.equal(256 * 1024);
    const { app } = await download(rig, item, 0);
    const sink = app.files.get('MVI_0001.MOV')!;
    expect(sink.bytes.equals(cameraBytes(rig, 'MVI_0001.MOV'))).to.equal(true);
    // Each 1 MiB GetPartialObject data phase: its first packet (500 bytes after the 12-byte header), then reads of the buffer size.
    const phase = (read: number): number[] => [500, ...Array(Math.floor((MiB - 500) / read)).fill(read), (MiB - 500) % read].filter((n) => n > 0);
    expect(sink.chunkLengths).to.deep.equal([...phase(256 * 1024), ...phase(256 * 1024)]);
    await rig.close();

    rig = await openCameraRig({ photos: 1, largeObjects: [{ name: 'MVI_0001.MOV', size }] }, { ...TEST_DRIVER_OPTIONS, readSize: 64 * 1024 });
    const small = await download(rig, item, 0);
    expect(small.app.files.get('MVI_0001.MOV')!.chunkLengths).to.deep.equal([...phase(64 * 1024), ...phase(64 * 1024)]);
  });

  it('refuses a read size that is no whole number of bytes from 512 to 16 MiB, with E_INVALIDARG', () => {
    const transport = createVirtualCamera({ photos: 1 }).device.createTransport();
    for (const readSize of [0, 511, 1.5, Number.NaN, 16 * MiB + 1]) {
      expect(() => new PtpCameraDriver(transport, { readSize }), String(readSize)).to.throw(WiaError).with.property('hresult', E_INVALIDARG);
    }
    expect(() => new PtpCameraDriver(transport, { readSize: 16 * MiB })).to.not.throw();
  });

  it('falls back to one GetObject data phase on a camera without GetPartialObject', async () => {
    rig = await openCameraRig({ photos: 1, partialObjects: false, largeObjects: [{ name: 'MVI_0001.MOV', size: 2 * MiB + 512 - 12 }] });
    const { app, report } = await download(rig, 'Root\\Internal Memory\\DCIM\\100CANON\\MVI_0001.MOV', 0);
    expect(report.hresult).to.equal(S_OK);
    expect(app.files.get('MVI_0001.MOV')!.bytes.equals(cameraBytes(rig, 'MVI_0001.MOV'))).to.equal(true);
    expect(rig.camera.control.log.filter((e) => e.code === PtpOperation.GetObject)).to.have.length(1);
  });

  it('handles data phases that end exactly on a packet boundary (zero-length packet) at any packet size', async () => {
    for (const bulkPacketSize of [64, 512]) {
      const size = 4 * bulkPacketSize - 12; // header + payload = 4 packets: the camera closes with a ZLP
      const local = await openCameraRig({ photos: 1, bulkPacketSize, partialObjects: false, largeObjects: [{ name: 'EXACT.BIN', size }] });
      try {
        const first = await download(local, 'Root\\Internal Memory\\DCIM\\100CANON\\EXACT.BIN', 0);
        const second = await download(local, 'Root\\Internal Memory\\DCIM\\100CANON\\IMG_0001.JPG', 0);
        expect(first.app.files.get('EXACT.BIN')!.bytes.equals(cameraBytes(local, 'EXACT.BIN'))).to.equal(true);
        expect(second.app.files.get('IMG_0001.JPG')!.bytes.equals(cameraBytes(local, 'IMG_0001.JPG'))).to.equal(true);
      } finally {
        await local.close();
      }
    }
  });

  it('downloads an object whose ObjectInfo lies about its size: the data phase is what counts', async () => {
    rig = await openCameraRig({ photos: 1, hostileObjects: true });
    const { app, report } = await download(rig, 'Root\\SD Card\\absurd.jpg', 0);
    expect(report.outcome).to.equal('completed');
    expect(app.files.get('absurd.jpg')!.bytes.equals(cameraBytes(rig, 'absurd.jpg'))).to.equal(true);
  });
});
