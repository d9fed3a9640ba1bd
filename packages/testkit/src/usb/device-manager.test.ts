import 'reflect-metadata';
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { container, inject } from 'tsyringe';
import {
  AbortableMiniDriver,
  DeviceManager,
  PluginRegistry,
  S_OK,
  USB_TRANSPORT,
  WIA_ERROR_OFFLINE,
  WIA_EVENT_DEVICE_CONNECTED,
  WIA_EVENT_DEVICE_DISCONNECTED,
  WiaItemType,
  wiaPlugin,
  type ItemReader,
  type ManagedDevice,
  type UsbTransport,
  type WiaDrvItem,
  type WiaEventGuid,
} from '@openwia/core';
import { ManualTimers, flushAsync } from '../timing/index.js';
import { EXAMPLE_ENDPOINTS, createExampleBulkDevice } from './example-device.js';
import { SimulatedUsbBus } from './simulated-bus.js';
import type { SimulatedUsbDevice } from './simulated-device.js';

const { bulkIn, bulkOut } = EXAMPLE_ENDPOINTS;
const BLOB_SIZE = 256 * 1024;
const registry = new PluginRegistry(container.createChildContainer());
const notified: WiaEventGuid[] = [];

/** A minimal plugin over the transport: OUT "G" asks for the blob, IN reads it until a short read. */
@wiaPlugin({ name: 'blob-reader', match: [{ vendorId: 0x1d6b, productId: 0x0104 }] }, registry)
class BlobReaderDriver extends AbortableMiniDriver {
  constructor(@inject(USB_TRANSPORT) private readonly usb: UsbTransport) {
    super();
  }

  protected async buildItemTree(root: WiaDrvItem): Promise<void> {
    await this.usb.claimInterface(0);
    root.addChild({ name: 'Blob', flags: WiaItemType.Image | WiaItemType.File | WiaItemType.Transfer });
  }

  protected async openItem(_item: WiaDrvItem, signal: AbortSignal): Promise<ItemReader> {
    await this.usb.transferOut(bulkOut, Uint8Array.of(0x47), { signal });
    let done = false;
    return {
      read: async (buffer, readSignal) => {
        if (done) return 0;
        const data = await this.usb.transferIn(bulkIn, buffer.length, { signal: readSignal });
        buffer.set(data);
        done = data.length < buffer.length;
        return data.length;
      },
      close: async () => undefined,
    };
  }

  override async drvNotifyPnPEvent(event: WiaEventGuid, deviceId: string): Promise<void> {
    notified.push(event);
    await super.drvNotifyPnPEvent(event, deviceId);
  }
}
void BlobReaderDriver;

/**
 * The same protocol, but its reads ignore the signal: only the watchdog and a
 * device reset end them. Like the eSCL plugin, it closes the transport when
 * its session ends and opens it again for the next.
 */
@wiaPlugin({ name: 'stubborn-reader', match: [{ vendorId: 0x1d6b, productId: 0x0105 }] }, registry)
class StubbornReaderDriver extends AbortableMiniDriver {
  constructor(@inject(USB_TRANSPORT) private readonly usb: UsbTransport) {
    super();
  }

  override async drvUnInitializeWia(): Promise<void> {
    await super.drvUnInitializeWia();
    await this.usb.close();
  }

  protected async buildItemTree(root: WiaDrvItem): Promise<void> {
    if (!this.usb.opened) await this.usb.open();
    await this.usb.claimInterface(0);
    root.addChild({ name: 'Blob', flags: WiaItemType.Image | WiaItemType.File | WiaItemType.Transfer });
  }

  protected async openItem(): Promise<ItemReader> {
    await this.usb.transferOut(bulkOut, Uint8Array.of(0x47));
    let done = false;
    return {
      read: async (buffer) => {
        if (done) return 0;
        const data = await this.usb.transferIn(bulkIn, buffer.length);
        buffer.set(data);
        done = data.length < buffer.length;
        return data.length;
      },
      close: async () => undefined,
    };
  }
}
void StubbornReaderDriver;

/** The device side: answers "G" with the blob, 16 KiB at a time. */
function createBlobDevice(overrides: Parameters<typeof createExampleBulkDevice>[1] = {}, inaccessibleReason?: string): SimulatedUsbDevice {
  const device = createExampleBulkDevice(inaccessibleReason ? { inaccessibleReason } : {}, overrides);
  const blob = Uint8Array.from({ length: BLOB_SIZE }, (_, i) => (i * 5) & 0xff);
  device.onOut(bulkOut, () => {
    void (async () => {
      for (let offset = 0; offset < BLOB_SIZE; offset += 16384) {
        await device.writeIn(bulkIn, blob.subarray(offset, offset + 16384), { endOfTransfer: offset + 16384 >= BLOB_SIZE });
      }
    })().catch(() => undefined);
  });
  return device;
}

class Sink extends Writable {
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.bytes += chunk.length;
    callback();
  }
}

function download(managed: ManagedDevice) {
  return managed.device!.createTransfer('Root\\Blob').transfer('download', 0, {
    TransferCallback: () => S_OK,
    GetNextStream: () => ({ hr: S_OK, stream: new Sink() }),
  });
}

describe('DeviceManager on the simulated bus', () => {
  let bus: SimulatedUsbBus;
  let manager: DeviceManager;
  let events: Array<[WiaEventGuid, string]>;

  beforeEach(() => {
    notified.length = 0;
    bus = new SimulatedUsbBus();
    manager = new DeviceManager({ backend: bus, registry });
    events = [];
    manager.on('event', (event, deviceId) => events.push([event, deviceId]));
  });

  afterEach(async () => {
    await manager.stop();
    await bus.dispose();
  });

  it('opens a driver session for a device present at start, and downloads over USB', async () => {
    const device = createBlobDevice();
    bus.attach(device);
    await manager.start();
    const [managed] = manager.devices();
    expect(managed).to.include({ status: 'ready', plugin: 'blob-reader', deviceId: `usb:1d6b:0104@${device.descriptor.location}` });
    const report = await download(managed!);
    expect(report.bytes).to.equal(BLOB_SIZE);
    expect(events).to.deep.equal([[WIA_EVENT_DEVICE_CONNECTED, managed!.deviceId]]);
  });

  it('after the watchdog abandons a plugin, the device is reset over USB and the next transfer works', async () => {
    const timers = new ManualTimers();
    manager = new DeviceManager({ backend: bus, registry, deviceOptions: { graceMs: 50, timers } });
    const device = createBlobDevice({ productId: 0x0105 });
    let usbResets = 0;
    device.events.on('reset', () => usbResets++);
    device.faults.nakForever(bulkIn);
    bus.attach(device);
    await manager.start();
    const [managed] = manager.devices();
    expect(managed?.plugin).to.equal('stubborn-reader');
    const transfer = managed!.device!.createTransfer('Root\\Blob');
    const pending = transfer.transfer('download', 0, { TransferCallback: () => S_OK, GetNextStream: () => ({ hr: S_OK, stream: new Sink() }) });
    await flushAsync();
    transfer.Cancel();
    await flushAsync();
    timers.advance(50);
    const abandoned = await pending;
    expect(abandoned.deviceNeedsReset).to.equal(true);
    const reset = new Promise<void>((resolve) => managed!.device!.once('reset', resolve));
    device.faults.stopNak(bulkIn);
    const next = await download(managed!);
    await reset;
    expect(usbResets).to.equal(1);
    expect(next.outcome).to.equal('completed');
    expect(next.bytes).to.equal(BLOB_SIZE);
  });

  it('follows hotplug: attach connects, detach disconnects and tells the driver', async () => {
    await manager.start();
    const connected = new Promise<ManagedDevice>((resolve) => manager.once('deviceConnected', resolve));
    const device = createBlobDevice();
    bus.attach(device);
    const managed = await connected;
    const disconnected = new Promise<ManagedDevice>((resolve) => manager.once('deviceDisconnected', resolve));
    device.unplug();
    expect(await disconnected).to.equal(managed);
    expect(notified).to.deep.equal([WIA_EVENT_DEVICE_DISCONNECTED]);
    expect(manager.devices()).to.deep.equal([]);
    expect(events.map(([e]) => e)).to.deep.equal([WIA_EVENT_DEVICE_CONNECTED, WIA_EVENT_DEVICE_DISCONNECTED]);
  });

  it('unplug mid-transfer: the transfer settles with WIA_ERROR_OFFLINE and the detach is reported', async () => {
    const device = createBlobDevice();
    bus.attach(device);
    await manager.start();
    const disconnected = new Promise<ManagedDevice>((resolve) => manager.once('deviceDisconnected', resolve));
    device.faults.unplugAfterBytes(100_000, bulkIn);
    const report = await download(manager.devices()[0]!);
    expect(report.outcome).to.equal('failed');
    expect(report.error?.hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(report.bytes).to.be.lessThan(100_001);
    await disconnected;
  });

  it('lists a device it may not open as inaccessible, with the reason and fix', async () => {
    bus.attach(createBlobDevice({}, 'permission denied: add a udev rule'));
    const unavailable = new Promise<ManagedDevice>((resolve) => manager.once('deviceUnavailable', resolve));
    await manager.start();
    const managed = await unavailable;
    expect(managed.status).to.equal('inaccessible');
    expect(managed.error?.message).to.contain('udev rule');
    expect(manager.devices()).to.have.length(1);
  });

  it('lists a device no plugin drives as unsupported', async () => {
    bus.attach(createBlobDevice({ vendorId: 0x1234 }));
    await manager.start();
    expect(manager.devices()[0]).to.include({ status: 'unsupported' });
  });

  it('stop closes every session', async () => {
    bus.attach(createBlobDevice());
    await manager.start();
    const managed = manager.devices()[0]!;
    await manager.stop();
    expect(manager.devices()).to.deep.equal([]);
    expect(() => managed.device!.root).to.throw();
  });
});
