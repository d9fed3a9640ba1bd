import 'reflect-metadata';
import { expect } from 'chai';
import { container, inject, type DependencyContainer } from 'tsyringe';
import { E_INVALIDARG, E_NOTIMPL, WIA_ERROR_INCORRECT_HARDWARE_SETTING, WiaError } from '../hresult/index.js';
import type { WiaDrvItem } from '../minidriver/index.js';
import { AbortableMiniDriver, type ItemReader } from '../plugin/index.js';
// The registry knows no transport; these tests compose it with USB the way the
// device manager does (createUsbDriver), to show what a plugin receives.
import { createUsbDriver } from '../app/usb-driver.js';
import { USB_DEVICE_DESCRIPTOR, USB_TRANSPORT, type UsbDeviceDescriptor, type UsbInterfaceDescriptor, type UsbTransport } from '../usb/index.js';
import { PluginRegistry, defaultPluginRegistry, defineLazyPlugin, definePlugin, scoreMatch, wiaPlugin, type PluginClass, type PluginDescriptor } from './index.js';

// --- test devices -----------------------------------------------------------

function usbInterface(interfaceNumber: number, interfaceClass: number, interfaceSubclass: number, interfaceProtocol: number): UsbInterfaceDescriptor {
  return { interfaceNumber, alternateSetting: 0, interfaceClass, interfaceSubclass, interfaceProtocol, endpoints: [] };
}

/** A still-image camera: Canon VID, PTP interface 6/1/1. */
const CAMERA: UsbDeviceDescriptor = {
  vendorId: 0x04a9,
  productId: 0x3218,
  deviceClass: 0,
  deviceSubclass: 0,
  deviceProtocol: 0,
  location: '1-1',
  product: 'Test Camera',
  configurations: [{ configurationValue: 1, interfaces: [usbInterface(0, 6, 1, 1)] }],
};

/** A multifunction printer: a vendor interface and IPP-over-USB 7/1/4, the latter only in configuration 2. */
const PRINTER: UsbDeviceDescriptor = {
  vendorId: 0x03f0,
  productId: 0x0c2a,
  deviceClass: 0,
  deviceSubclass: 0,
  deviceProtocol: 0,
  location: '1-2',
  configurations: [
    { configurationValue: 1, interfaces: [usbInterface(0, 0xff, 0xcc, 0x00)] },
    { configurationValue: 2, interfaces: [usbInterface(0, 0xff, 0xcc, 0x00), usbInterface(1, 7, 1, 4)] },
  ],
};

/** A USB stick nobody drives. */
const MASS_STORAGE: UsbDeviceDescriptor = {
  vendorId: 0x0781,
  productId: 0x5567,
  deviceClass: 0,
  deviceSubclass: 0,
  deviceProtocol: 0,
  location: '2-1',
  configurations: [{ configurationValue: 1, interfaces: [usbInterface(0, 8, 6, 0x50)] }],
};

/**
 * A hand-written stand-in for a transport: the registry only hands it over,
 * so every method says it should not have been called.
 */
function standInTransport(descriptor: UsbDeviceDescriptor): UsbTransport {
  const unused = (): never => {
    throw new WiaError(E_NOTIMPL, 'the registry tests never talk to the device');
  };
  return {
    descriptor,
    opened: false,
    open: async () => unused(),
    close: async () => unused(),
    selectConfiguration: async () => unused(),
    claimInterface: async () => unused(),
    releaseInterface: async () => unused(),
    transferIn: async () => unused(),
    transferOut: async () => unused(),
    controlTransferIn: async () => unused(),
    controlTransferOut: async () => unused(),
    clearHalt: async () => unused(),
    reset: async () => unused(),
  };
}

// --- test plugins -----------------------------------------------------------

/** The smallest concrete driver: the registry never asks it for items. */
abstract class IdleDriver extends AbortableMiniDriver {
  protected async buildItemTree(_root: WiaDrvItem): Promise<void> {}
  protected async openItem(item: WiaDrvItem): Promise<ItemReader> {
    throw new WiaError(E_NOTIMPL, `${item.fullName} cannot be opened`);
  }
}

/** A plain (undecorated) plugin class for the register()/matches() tests. */
class PlainDriver extends IdleDriver {}

const PTP_CLASS: PluginDescriptor = { name: 'ptp', match: [{ interfaceClass: 6, interfaceSubclass: 1, interfaceProtocol: 1 }] };
const CANON_VENDOR: PluginDescriptor = { name: 'canon', match: [{ vendorId: 0x04a9 }] };
const CANON_MODEL: PluginDescriptor = { name: 'canon-eos', match: [{ vendorId: 0x04a9, productId: 0x3218 }] };
const ESCL_CLASS: PluginDescriptor = { name: 'escl', match: [{ interfaceClass: 7, interfaceSubclass: 1, interfaceProtocol: 4 }] };

/** A token only the registry's own container holds, to show the child containers inherit it. */
const LOG_TOKEN = Symbol('test.log');

/**
 * Declares, on a fresh registry, a plugin the way a vendor would: with
 * `@wiaPlugin` and constructor injection of the device's transport and
 * descriptor (and a service from the registry's container).
 */
function declarePtpPlugin(registry: PluginRegistry) {
  @wiaPlugin(PTP_CLASS, registry)
  class InjectedPtpDriver extends IdleDriver {
    constructor(
      @inject(USB_TRANSPORT) readonly transport: UsbTransport,
      @inject(USB_DEVICE_DESCRIPTOR) readonly device: UsbDeviceDescriptor,
      @inject(LOG_TOKEN) readonly log: string[],
    ) {
      super();
      log.push(`created for ${device.location}`);
    }
  }
  return InjectedPtpDriver;
}

function expectWiaError(fn: () => unknown, hresult: number): WiaError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(WiaError);
    expect((err as WiaError).hresult).to.equal(hresult);
    return err as WiaError;
  }
  throw new Error('expected a WiaError');
}

// --- the specification ------------------------------------------------------

describe('scoreMatch', () => {
  it('scores vendor + product highest, then vendor, then interface class', () => {
    const byProduct = scoreMatch({ vendorId: 0x04a9, productId: 0x3218 }, CAMERA);
    const byVendor = scoreMatch({ vendorId: 0x04a9 }, CAMERA);
    const byClass = scoreMatch({ interfaceClass: 6, interfaceSubclass: 1, interfaceProtocol: 1 }, CAMERA);
    expect(byClass).to.be.greaterThan(0);
    expect(byVendor).to.be.greaterThan(byClass);
    expect(byProduct).to.be.greaterThan(byVendor);
  });

  it('lets vendor + product beat vendor + a full interface triple', () => {
    const vendorAndInterface = scoreMatch({ vendorId: 0x04a9, interfaceClass: 6, interfaceSubclass: 1, interfaceProtocol: 1 }, CAMERA);
    expect(scoreMatch({ vendorId: 0x04a9, productId: 0x3218 }, CAMERA)).to.be.greaterThan(vendorAndInterface);
  });

  it('adds for each interface field given', () => {
    const classOnly = scoreMatch({ interfaceClass: 6 }, CAMERA);
    const classAndSubclass = scoreMatch({ interfaceClass: 6, interfaceSubclass: 1 }, CAMERA);
    const triple = scoreMatch({ interfaceClass: 6, interfaceSubclass: 1, interfaceProtocol: 1 }, CAMERA);
    expect(classAndSubclass).to.be.greaterThan(classOnly);
    expect(triple).to.be.greaterThan(classAndSubclass);
    expect(scoreMatch({ vendorId: 0x04a9, interfaceClass: 6 }, CAMERA)).to.be.greaterThan(scoreMatch({ vendorId: 0x04a9 }, CAMERA));
  });

  it('treats an empty match as matching anything, with the lowest score', () => {
    expect(scoreMatch({}, MASS_STORAGE)).to.equal(0);
  });

  it('answers -1 when a given field does not match', () => {
    expect(scoreMatch({ vendorId: 0x04a8 }, CAMERA)).to.equal(-1);
    expect(scoreMatch({ vendorId: 0x04a9, productId: 0x0001 }, CAMERA)).to.equal(-1);
    expect(scoreMatch({ productId: 0x0001 }, CAMERA)).to.equal(-1);
    expect(scoreMatch({ interfaceClass: 7 }, CAMERA)).to.equal(-1);
    expect(scoreMatch({ interfaceClass: 6, interfaceSubclass: 1, interfaceProtocol: 2 }, CAMERA)).to.equal(-1);
  });

  it('answers -1 when the vendor matches but the interface does not', () => {
    expect(scoreMatch({ vendorId: 0x04a9, interfaceClass: 7 }, CAMERA)).to.equal(-1);
  });

  it('looks for the interface across all configurations', () => {
    expect(scoreMatch({ interfaceClass: 7, interfaceSubclass: 1, interfaceProtocol: 4 }, PRINTER)).to.be.greaterThan(0);
  });

  it('requires the interface fields to match on one and the same interface', () => {
    // PRINTER has 0xff/0xcc/0x00 and 7/1/4, but no interface of class 0xff with protocol 4.
    expect(scoreMatch({ interfaceClass: 0xff, interfaceProtocol: 4 }, PRINTER)).to.equal(-1);
  });

  it('answers -1 for a device without configurations when an interface is required', () => {
    expect(scoreMatch({ interfaceClass: 6 }, { ...CAMERA, configurations: [] })).to.equal(-1);
    expect(scoreMatch({ vendorId: 0x04a9 }, { ...CAMERA, configurations: [] })).to.be.greaterThan(0);
  });
});

describe('PluginRegistry', () => {
  let registryContainer: DependencyContainer;
  let registry: PluginRegistry;
  let log: string[];

  beforeEach(() => {
    registryContainer = container.createChildContainer();
    log = [];
    registryContainer.register(LOG_TOKEN, { useValue: log });
    registry = new PluginRegistry(registryContainer);
  });

  describe('definePlugin / PluginRegistry.of', () => {
    it('defines a plugin as a value without registering it anywhere', () => {
      class Defined extends IdleDriver {}
      const plugin = definePlugin(PTP_CLASS, Defined);
      expect(plugin).to.deep.equal({ descriptor: PTP_CLASS, pluginClass: Defined });
      expect(defaultPluginRegistry.list().some((p) => p.pluginClass === Defined)).to.equal(false);
    });

    it('checks the declaration as register does', () => {
      expectWiaError(() => definePlugin({ name: 'any', match: [{}] }, PlainDriver), E_INVALIDARG);
      expectWiaError(() => definePlugin({ name: '', match: PTP_CLASS.match }, PlainDriver), E_INVALIDARG);
    });

    it('builds a registry holding exactly the listed plugins, in order, and refuses duplicates', () => {
      const ptp = definePlugin(PTP_CLASS, PlainDriver);
      const escl = definePlugin(ESCL_CLASS, PlainDriver);
      expect(PluginRegistry.of([escl, ptp]).list().map((p) => p.descriptor.name)).to.deep.equal(['escl', 'ptp']);
      expect(PluginRegistry.of([ptp]).bestMatch(PRINTER)).to.equal(undefined);
      expectWiaError(() => PluginRegistry.of([ptp, ptp]), E_INVALIDARG);
    });

    it('creates a defined plugin with constructor injection, in a container of its own registry', () => {
      class Injected extends IdleDriver {
        constructor(@inject(USB_TRANSPORT) readonly transport: UsbTransport) {
          super();
        }
      }
      const transport = standInTransport(CAMERA);
      const binding = createUsbDriver(PluginRegistry.of([definePlugin(PTP_CLASS, Injected)]), CAMERA, transport);
      expect((binding.driver as Injected).transport).to.equal(transport);
    });
  });

  describe('defineLazyPlugin / loadMatching', () => {
    /** A lazy definition whose loads are counted. */
    function counted(descriptor: PluginDescriptor, pluginClass: PluginClass): { plugin: ReturnType<typeof defineLazyPlugin>; loads: () => number } {
      let loads = 0;
      const plugin = defineLazyPlugin(descriptor, async () => {
        loads++;
        return pluginClass;
      });
      return { plugin, loads: () => loads };
    }

    it('checks the declaration as definePlugin does', () => {
      expectWiaError(() => defineLazyPlugin({ name: 'any', match: [{}] }, async () => PlainDriver), E_INVALIDARG);
    });

    it('loads nothing until a device matches, then only the plugins that match it', async () => {
      const ptp = counted(PTP_CLASS, PlainDriver);
      const escl = counted(ESCL_CLASS, PlainDriver);
      const lazy = PluginRegistry.of([ptp.plugin, escl.plugin]);
      expect(lazy.list()).to.deep.equal([]);
      expect(lazy.bestMatch(CAMERA)).to.equal(undefined);
      await lazy.loadMatching(CAMERA);
      expect([ptp.loads(), escl.loads()]).to.deep.equal([1, 0]);
      expect(lazy.bestMatch(CAMERA)?.pluginClass).to.equal(PlainDriver);
      await lazy.loadMatching(CAMERA);
      expect(ptp.loads()).to.equal(1);
    });

    it('keeps the registration order among eager and lazy plugins', async () => {
      class LazyDriver extends IdleDriver {}
      const lazy = PluginRegistry.of([counted({ name: 'lazy-ptp', match: PTP_CLASS.match }, LazyDriver).plugin, definePlugin(PTP_CLASS, PlainDriver)]);
      await lazy.loadMatching(CAMERA);
      expect(lazy.matches(CAMERA).map((m) => m.descriptor.name)).to.deep.equal(['lazy-ptp', 'ptp']);
      expect(createUsbDriver(lazy, CAMERA, standInTransport(CAMERA)).driver).to.be.instanceOf(LazyDriver);
    });

    it('fails with a WiaError naming the plugin when its class cannot be loaded, and tries again next time', async () => {
      let attempts = 0;
      const broken = PluginRegistry.of([
        defineLazyPlugin(PTP_CLASS, async () => {
          attempts++;
          throw new Error('module not found');
        }),
      ]);
      const err = await broken.loadMatching(CAMERA).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(WiaError);
      expect((err as WiaError).message).to.equal('plugin ptp could not be loaded: module not found');
      await broken.loadMatching(CAMERA).catch(() => undefined);
      expect(attempts).to.equal(2);
    });
  });

  describe('register / list', () => {
    it('lists registered plugins in registration order', () => {
      registry.register(PlainDriver, PTP_CLASS);
      registry.register(PlainDriver, ESCL_CLASS);
      expect(registry.list().map((p) => p.descriptor.name)).to.deep.equal(['ptp', 'escl']);
      expect(registry.list()[0]!.pluginClass).to.equal(PlainDriver);
    });

    it('hands out a copy of its list', () => {
      registry.register(PlainDriver, PTP_CLASS);
      registry.list().pop();
      expect(registry.list()).to.have.length(1);
    });

    it('refuses a second plugin with the same name with E_INVALIDARG', () => {
      registry.register(PlainDriver, PTP_CLASS);
      const err = expectWiaError(() => registry.register(PlainDriver, { name: 'ptp', match: [{ vendorId: 1 }] }), E_INVALIDARG);
      expect(err.message).to.equal('a plugin named ptp is already registered');
      expect(registry.list()).to.have.length(1);
    });

    it('refuses a plugin without a name with E_INVALIDARG', () => {
      expectWiaError(() => registry.register(PlainDriver, { name: '', match: [{}] }), E_INVALIDARG);
    });
  });

  describe('matches / bestMatch', () => {
    beforeEach(() => {
      registry.register(PlainDriver, PTP_CLASS);
      registry.register(PlainDriver, CANON_VENDOR);
      registry.register(PlainDriver, ESCL_CLASS);
      registry.register(PlainDriver, CANON_MODEL);
    });

    it('lists the plugins that match, most specific first', () => {
      expect(registry.matches(CAMERA).map((m) => m.descriptor.name)).to.deep.equal(['canon-eos', 'canon', 'ptp']);
      expect(registry.bestMatch(CAMERA)!.descriptor.name).to.equal('canon-eos');
    });

    it('reports each match with its score', () => {
      const [best] = registry.matches(CAMERA);
      expect(best!.score).to.equal(scoreMatch(CANON_MODEL.match[0]!, CAMERA));
    });

    it('leaves out plugins that do not match', () => {
      expect(registry.matches(PRINTER).map((m) => m.descriptor.name)).to.deep.equal(['escl']);
    });

    it('keeps registration order between plugins of equal score', () => {
      registry.register(PlainDriver, { name: 'ptp-2', match: PTP_CLASS.match });
      const names = registry.matches(CAMERA).map((m) => m.descriptor.name);
      expect(names.indexOf('ptp')).to.be.lessThan(names.indexOf('ptp-2'));
    });

    it('scores a plugin by the best of its match entries', () => {
      registry.register(PlainDriver, { name: 'multi', match: [{ vendorId: 0x9999 }, { interfaceClass: 7 }, { vendorId: 0x03f0, productId: 0x0c2a }] });
      expect(registry.bestMatch(PRINTER)!.descriptor.name).to.equal('multi');
    });

    it('answers no match for a device nobody drives', () => {
      registry.register(PlainDriver, { name: 'camera', match: [{ interfaceClass: 6 }] });
      expect(registry.matches(MASS_STORAGE)).to.deep.equal([]);
      expect(registry.bestMatch(MASS_STORAGE)).to.equal(undefined);
    });

    it('refuses declarations that match nothing, or everything, or a product without its vendor', () => {
      for (const match of [[], [{}], [{ productId: 0x1234 }], [{ interfaceSubclass: 1 }]]) {
        expect(() => registry.register(PlainDriver, { name: 'bad', match }), JSON.stringify(match))
          .to.throw(WiaError).with.property('hresult', E_INVALIDARG);
      }
    });
  });

  describe('createDriver (through createUsbDriver) with @wiaPlugin and constructor injection', () => {
    it('registers a decorated class with the registry it names, and only there', () => {
      const Plugin = declarePtpPlugin(registry);
      expect(registry.list().map((p) => p.pluginClass)).to.deep.equal([Plugin]);
      expect(defaultPluginRegistry.list().some((p) => p.pluginClass === Plugin)).to.equal(false);
    });

    it('constructs the best plugin with the transport and descriptor passed for the device', () => {
      const Plugin = declarePtpPlugin(registry);
      const transport = standInTransport(CAMERA);
      const binding = createUsbDriver(registry, CAMERA, transport);
      expect(binding.driver).to.be.instanceOf(Plugin);
      const driver = binding.driver as InstanceType<typeof Plugin>;
      expect(driver.transport).to.equal(transport);
      expect(driver.device).to.equal(CAMERA);
      expect(binding.plugin).to.deep.equal({ descriptor: PTP_CLASS, pluginClass: Plugin });
    });

    it('resolves the device in a child container of the registry container', () => {
      declarePtpPlugin(registry);
      const transport = standInTransport(CAMERA);
      const binding = createUsbDriver(registry, CAMERA, transport);
      expect(binding.container.resolve(USB_TRANSPORT)).to.equal(transport);
      expect(binding.container.resolve(USB_DEVICE_DESCRIPTOR)).to.equal(CAMERA);
      // The registry's own container is left untouched ...
      expect(registryContainer.isRegistered(USB_TRANSPORT)).to.equal(false);
      // ... and what it holds reaches the plugin through the child.
      expect(log).to.deep.equal(['created for 1-1']);
    });

    it('gives two devices separate child containers, driver instances and transports', () => {
      const Plugin = declarePtpPlugin(registry);
      const secondCamera: UsbDeviceDescriptor = { ...CAMERA, location: '1-3' };
      const transportA = standInTransport(CAMERA);
      const transportB = standInTransport(secondCamera);
      const a = createUsbDriver(registry, CAMERA, transportA);
      const b = createUsbDriver(registry, secondCamera, transportB);
      expect(a.container).not.to.equal(b.container);
      expect(a.driver).not.to.equal(b.driver);
      expect((a.driver as InstanceType<typeof Plugin>).transport).to.equal(transportA);
      expect((b.driver as InstanceType<typeof Plugin>).transport).to.equal(transportB);
      expect((b.driver as InstanceType<typeof Plugin>).device.location).to.equal('1-3');
      expect(log).to.deep.equal(['created for 1-1', 'created for 1-3']);
    });

    it('creates a new driver each time, even for the same device', () => {
      declarePtpPlugin(registry);
      const transport = standInTransport(CAMERA);
      expect(createUsbDriver(registry, CAMERA, transport).driver).not.to.equal(createUsbDriver(registry, CAMERA, transport).driver);
    });

    it('picks the best match when several plugins match', () => {
      declarePtpPlugin(registry);
      registry.register(PlainDriver, CANON_MODEL);
      expect(createUsbDriver(registry, CAMERA, standInTransport(CAMERA)).driver).to.be.instanceOf(PlainDriver);
    });

    it('refuses a device no plugin matches with WIA_ERROR_INCORRECT_HARDWARE_SETTING', () => {
      declarePtpPlugin(registry);
      const err = expectWiaError(() => createUsbDriver(registry, MASS_STORAGE, standInTransport(MASS_STORAGE)), WIA_ERROR_INCORRECT_HARDWARE_SETTING);
      expect(err.code).to.equal('WIA_ERROR_INCORRECT_HARDWARE_SETTING');
      expect(err.message).to.equal('no plugin drives 0781:5567 (unknown product)');
      expect(log).to.deep.equal([]);
    });

    it('names the product in the error when the device reports one', () => {
      const err = expectWiaError(() => createUsbDriver(registry, CAMERA, standInTransport(CAMERA)), WIA_ERROR_INCORRECT_HARDWARE_SETTING);
      expect(err.message).to.equal('no plugin drives 04a9:3218 (Test Camera)');
    });
  });
});
