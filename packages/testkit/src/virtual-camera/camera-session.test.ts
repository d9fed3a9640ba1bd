import { expect } from 'chai';
import { SimulatedUsbBus } from '../usb/index.js';
import { DEVICE_PROP } from './camera-properties.js';
import { OP, RC } from './camera-wire.js';
import { RawPtpHost } from './raw-ptp-host.js';
import { createVirtualCamera } from './virtual-camera.js';

describe('virtual PTP camera: session and transaction ids like a real device', () => {
  it('drops its session when unplugged: after re-attach it has none, and a new one opens', async () => {
    const camera = createVirtualCamera({ photos: 1 });
    const bus = new SimulatedUsbBus();
    bus.attach(camera.device);
    const before = await RawPtpHost.open(camera);
    expect((await before.transact(OP.OpenSession, 0, [1])).code).to.equal(RC.OK);
    expect((await before.transact(OP.GetStorageIDs, 1)).code).to.equal(RC.OK);
    bus.detach(camera.device);
    bus.attach(camera.device);
    const after = await RawPtpHost.open(camera);
    expect((await after.transact(OP.GetStorageIDs, 2)).code, 'the old session survived the unplug').to.equal(RC.SessionNotOpen);
    expect((await after.transact(OP.OpenSession, 0, [1])).code).to.equal(RC.OK);
    expect((await after.transact(OP.GetStorageIDs, 1)).code).to.equal(RC.OK);
    await after.close();
  });

  it('refuses a transaction id that skips ahead, or one used before, with InvalidTransactionID', async () => {
    const camera = createVirtualCamera({ photos: 1 });
    const host = await RawPtpHost.open(camera);
    await host.transact(OP.OpenSession, 0, [1]);
    expect((await host.transact(OP.GetStorageIDs, 1)).code).to.equal(RC.OK);
    expect((await host.transact(OP.GetStorageIDs, 3)).code, 'skipped id 2').to.equal(RC.InvalidTransactionID);
    expect((await host.transact(OP.GetStorageIDs, 1)).code, 'reused id 1').to.equal(RC.InvalidTransactionID);
    expect((await host.transact(OP.GetStorageIDs, 2)).code).to.equal(RC.OK);
    await host.close();
  });

  it('answers GetPartialObject past the end of an object with InvalidParameter, not OK with nothing', async () => {
    const camera = createVirtualCamera({ photos: 0, largeObjects: [{ name: 'A.MOV', size: 1000 }] });
    const handle = camera.control.object('A.MOV').handle;
    const host = await RawPtpHost.open(camera);
    await host.transact(OP.OpenSession, 0, [1]);
    expect((await host.transact(OP.GetPartialObject, 1, [handle, 900, 500])).code).to.equal(RC.OK);
    expect((await host.transact(OP.GetPartialObject, 2, [handle, 1000, 500])).code).to.equal(RC.InvalidParameter);
    expect((await host.transact(OP.GetPartialObject, 3, [handle, 5000, 1])).code).to.equal(RC.InvalidParameter);
    await host.close();
  });

  it('reports a halted endpoint in Get Device Status as not ready (DeviceBusy) until the host clears it', async () => {
    const camera = createVirtualCamera({ photos: 0, largeObjects: [{ name: 'A.MOV', size: 300_000 }] });
    const host = await RawPtpHost.open(camera);
    await host.transact(OP.OpenSession, 0, [1]);
    camera.control.faults.stallDataPhase(1);
    await host.transact(OP.GetObject, 1, [camera.control.object('A.MOV').handle]).catch(() => undefined);
    expect(await host.deviceStatus()).to.deep.equal({ code: RC.DeviceBusy, halted: [camera.endpoints.bulkIn] });
    await host.clearHalt(camera.endpoints.bulkIn);
    expect(await host.deviceStatus()).to.deep.equal({ code: RC.OK, halted: [] });
    await host.close();
  });

  it('lists device properties (battery level, clock) and describes them, as real cameras do', async () => {
    const camera = createVirtualCamera({ photos: 0 });
    const host = await RawPtpHost.open(camera);
    const info = (await host.transact(OP.GetDeviceInfo, 0)).data!;
    // DevicePropertiesSupported follows the operation and event arrays: find the two codes in the dataset.
    const words = new Set(Array.from({ length: info.length - 1 }, (_, i) => info[i]! | (info[i + 1]! << 8)));
    expect(words.has(DEVICE_PROP.BatteryLevel) && words.has(DEVICE_PROP.DateTime)).to.equal(true);
    await host.transact(OP.OpenSession, 0, [1]);
    const desc = await host.transact(OP.GetDevicePropDesc, 1, [DEVICE_PROP.BatteryLevel]);
    // code, UINT8, get-only, factory default 100, current 75, range form 0..100 step 1
    expect([...desc.data!]).to.deep.equal([0x01, 0x50, 0x02, 0x00, 0x00, 100, 75, 1, 0, 100, 1]);
    expect([...(await host.transact(OP.GetDevicePropValue, 2, [DEVICE_PROP.BatteryLevel])).data!]).to.deep.equal([75]);
    expect((await host.transact(OP.GetDevicePropValue, 3, [0x5003])).code).to.equal(RC.DevicePropNotSupported);
    await host.close();
  });
});
