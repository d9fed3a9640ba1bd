import { expect } from 'chai';
import { WIA_ERROR_OFFLINE } from '../hresult/index.js';
import { NodeUsbBackend, type NodeUsbModule } from './node-usb-backend.js';
import { describeNodeUsbDevice, nodeUsbLocation } from './node-usb-descriptors.js';

// This machine has no USB hardware and no USB in its kernel: these tests check
// what can be checked without it, on the real native module.
describe('NodeUsbBackend (no hardware on this machine)', () => {
  let backend: NodeUsbBackend;

  before(async () => {
    backend = await NodeUsbBackend.load();
  });

  after(async () => {
    await backend.dispose();
  });

  it('loads the native usb module and lists no devices', async () => {
    expect(await backend.list()).to.deep.equal([]);
  });

  it('fails to open an absent device with WIA_ERROR_OFFLINE', async () => {
    const err = await backend.open('9-9').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.have.property('hresult', WIA_ERROR_OFFLINE);
  });
});

describe('NodeUsbBackend hotplug', () => {
  /** The parts of the usb module the backend touches, recording hotplug subscriptions. */
  function recordingLib(): { lib: NodeUsbModule; subscribed: string[] } {
    const subscribed: string[] = [];
    const lib: NodeUsbModule = {
      getDeviceList: () => [],
      usb: { on: (event) => subscribed.push(event), off: () => undefined, unrefHotplugEvents: () => undefined },
      Transfer: class {} as unknown as NodeUsbModule['Transfer'],
    };
    return { lib, subscribed };
  }

  it('follows attach and detach by default', () => {
    const { lib, subscribed } = recordingLib();
    void new NodeUsbBackend(lib);
    expect(subscribed).to.deep.equal(['attach', 'detach']);
  });

  it('with hotplug off, lists devices without starting libusb hotplug', async () => {
    const { lib, subscribed } = recordingLib();
    const backend = new NodeUsbBackend(lib, { hotplug: false });
    expect(await backend.list()).to.deep.equal([]);
    expect(subscribed).to.deep.equal([]);
  });
});

describe('node-usb descriptors', () => {
  const identity = {
    busNumber: 1,
    deviceAddress: 7,
    portNumbers: [4, 2],
    deviceDescriptor: { bLength: 18, bDescriptorType: 1, bcdUSB: 0x200, bDeviceClass: 0, bDeviceSubClass: 0, bDeviceProtocol: 0, bMaxPacketSize0: 64, idVendor: 0x04a9, idProduct: 0x1234, bcdDevice: 1, iManufacturer: 1, iProduct: 2, iSerialNumber: 3, bNumConfigurations: 1 },
    allConfigDescriptors: [
      {
        bLength: 9, bDescriptorType: 2, wTotalLength: 39, bNumInterfaces: 1, bConfigurationValue: 1, iConfiguration: 0, bmAttributes: 0xc0, bMaxPower: 1, extra: Buffer.alloc(0),
        interfaces: [[{
          bLength: 9, bDescriptorType: 4, bInterfaceNumber: 0, bAlternateSetting: 0, bNumEndpoints: 3, bInterfaceClass: 6, bInterfaceSubClass: 1, bInterfaceProtocol: 1, iInterface: 0, extra: Buffer.alloc(0),
          endpoints: [
            { bLength: 7, bDescriptorType: 5, bEndpointAddress: 0x81, bmAttributes: 2, wMaxPacketSize: 512, bInterval: 0, bRefresh: 0, bSynchAddress: 0, extra: Buffer.alloc(0) },
            { bLength: 7, bDescriptorType: 5, bEndpointAddress: 0x02, bmAttributes: 2, wMaxPacketSize: 512, bInterval: 0, bRefresh: 0, bSynchAddress: 0, extra: Buffer.alloc(0) },
            { bLength: 7, bDescriptorType: 5, bEndpointAddress: 0x83, bmAttributes: 3, wMaxPacketSize: 0x0808, bInterval: 9, bRefresh: 0, bSynchAddress: 0, extra: Buffer.alloc(0) },
          ],
        }]],
      },
    ],
  };

  it('names the location by bus and port path, or by address without one', () => {
    expect(nodeUsbLocation(identity)).to.equal('1-4.2');
    expect(nodeUsbLocation({ ...identity, portNumbers: [] })).to.equal('1-@7');
  });

  it('converts device, interface and endpoint descriptors', () => {
    const d = describeNodeUsbDevice(identity, { product: 'Camera' });
    expect(d).to.include({ vendorId: 0x04a9, productId: 0x1234, location: '1-4.2', product: 'Camera' });
    const iface = d.configurations[0]!.interfaces[0]!;
    expect(iface).to.include({ interfaceClass: 6, interfaceSubclass: 1, interfaceProtocol: 1 });
    expect(iface.endpoints).to.deep.equal([
      { address: 0x81, direction: 'in', type: 'bulk', maxPacketSize: 512 },
      { address: 0x02, direction: 'out', type: 'bulk', maxPacketSize: 512 },
      { address: 0x83, direction: 'in', type: 'interrupt', maxPacketSize: 8 },
    ]);
  });

  it('describes a device whose configurations the OS hides, without interfaces', () => {
    const hidden = { ...identity, get allConfigDescriptors(): never { throw new Error('LIBUSB_ERROR_ACCESS'); } };
    expect(describeNodeUsbDevice(hidden).configurations).to.deep.equal([]);
  });
});
