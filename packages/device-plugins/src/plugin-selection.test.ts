import { expect } from 'chai';
import { DeviceManager, PluginRegistry, defaultPluginRegistry } from '@openwia/core';
import { SimulatedUsbBus, createVirtualCamera, createVirtualScanner } from '@openwia/testkit';
import { devicePlugins } from './index.js';
import { lazyDevicePlugins } from './lazy.js';
import { esclPlugin } from './escl/index.js';
import { ptpPlugin } from './ptp/index.js';

describe('choosing plugins: an app drives only the plugins it lists', () => {
  let bus: SimulatedUsbBus;
  let manager: DeviceManager | undefined;
  beforeEach(() => {
    bus = new SimulatedUsbBus();
    bus.attach(createVirtualCamera({ photos: 1 }).device);
    bus.attach(createVirtualScanner({ feederSheets: 1 }).device);
  });
  afterEach(async () => manager?.stop());

  it('with [esclPlugin], opens the scanner and leaves the camera unsupported', async () => {
    manager = new DeviceManager({ backend: bus, plugins: [esclPlugin] });
    await manager.start();
    const byPlugin = manager.devices().map((d) => [d.status, d.plugin ?? null]);
    expect(byPlugin).to.have.deep.members([['ready', 'escl'], ['unsupported', null]]);
  });

  it('with devicePlugins, opens both, each with its own plugin', async () => {
    manager = new DeviceManager({ backend: bus, plugins: devicePlugins });
    await manager.start();
    expect(manager.devices().map((d) => d.plugin)).to.have.members(['ptp', 'escl']);
  });

  it('with lazyDevicePlugins, matches and opens the same devices with the same plugins', async () => {
    manager = new DeviceManager({ backend: bus, plugins: lazyDevicePlugins });
    await manager.start();
    expect(manager.devices().map((d) => d.plugin)).to.have.members(['ptp', 'escl']);
    expect(lazyDevicePlugins.map((p) => p.descriptor)).to.deep.equal(devicePlugins.map((p) => p.descriptor));
  });

  it('importing the package registers nothing in the default registry', () => {
    const names = defaultPluginRegistry.list().map((p) => p.descriptor.name);
    expect(names).not.to.include.oneOf(['ptp', 'escl']);
  });

  it('each definition names its driver and matches its device class', () => {
    const registry = PluginRegistry.of([ptpPlugin, esclPlugin]);
    expect(registry.list().map((p) => p.descriptor.name)).to.deep.equal(['ptp', 'escl']);
    expect(Object.isFrozen(ptpPlugin)).to.equal(true);
  });
});
