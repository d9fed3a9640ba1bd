import { expect } from 'chai';
import { E_ACCESSDENIED, E_INVALIDARG, E_NOTIMPL, WIA_ERROR_EXCEPTION_IN_DRIVER, WiaError } from '../hresult/index.js';
import {
  WIA_CATEGORY_FLATBED,
  WIA_IPA_FORMAT,
  WIA_IPA_ITEM_NAME,
  WIA_IPA_ITEM_SIZE,
  WIA_IPS_XEXTENT,
  WIA_IPS_XRES,
  WIA_IPS_YRES,
  WIA_PROP_READ,
  WIA_PROP_RW,
  WiaImgFmt_BMP,
  WiaImgFmt_PNG,
  WiaItemType,
  type WiaDrvItem,
  type WiaPropertyValue,
  type WiaValidValues,
} from '../minidriver/index.js';
import { AbortableMiniDriver, type ItemReader } from '../plugin/index.js';
import { WiaDevice } from './wia-device.js';

/** Flatbed width in 1/1000 inch is 8500; at `dpi` the full width is 8.5 × dpi pixels. */
const fullWidthAt = (dpi: number): number => (8500 * dpi) / 1000;
const RESOLUTIONS: WiaValidValues = { kind: 'range', min: 75, nominal: 300, max: 1200, step: 25 };
const extentRangeAt = (dpi: number): WiaValidValues => ({ kind: 'range', min: 1, nominal: fullWidthAt(dpi), max: fullWidthAt(dpi), step: 1 });

/**
 * A minimal flatbed scanner driver on the plugin base, with the property
 * rules a real one has: X and Y resolution must be equal (a dependency only
 * the driver knows), and the X extent follows the X resolution. It records
 * the calls the core makes.
 */
class FlatbedPropertyDriver extends AbortableMiniDriver {
  readonly validateCalls: Array<{ item: string; ids: number[] }> = [];
  readonly readCalls: Array<{ item: string; ids: number[] }> = [];
  /** What the "device" reports as the item size on the next read. */
  deviceItemSize = 0;
  /** Thrown by validation before anything else, when set. */
  validationFailure: unknown;

  protected async buildItemTree(root: WiaDrvItem): Promise<void> {
    root.addChild({ name: 'Flatbed', flags: WiaItemType.Image | WiaItemType.File | WiaItemType.Transfer, category: WIA_CATEGORY_FLATBED });
  }

  protected async openItem(item: WiaDrvItem): Promise<ItemReader> {
    throw new WiaError(E_NOTIMPL, `${item.fullName} is not read in property tests`);
  }

  protected override async initItemProperties(item: WiaDrvItem): Promise<void> {
    if (item.name !== 'Flatbed') return;
    const p = item.properties;
    p.define({ id: WIA_IPS_XRES, name: 'WIA_IPS_XRES', access: WIA_PROP_RW, value: 300, valid: RESOLUTIONS });
    p.define({ id: WIA_IPS_YRES, name: 'WIA_IPS_YRES', access: WIA_PROP_RW, value: 300, valid: RESOLUTIONS });
    p.define({ id: WIA_IPS_XEXTENT, name: 'WIA_IPS_XEXTENT', access: WIA_PROP_RW, value: fullWidthAt(300), valid: extentRangeAt(300) });
    p.define({
      id: WIA_IPA_FORMAT,
      name: 'WIA_IPA_FORMAT',
      access: WIA_PROP_RW,
      value: WiaImgFmt_BMP,
      valid: { kind: 'list', nominal: WiaImgFmt_BMP, values: [WiaImgFmt_BMP, WiaImgFmt_PNG] },
    });
    p.define({ id: WIA_IPA_ITEM_SIZE, name: 'WIA_IPA_ITEM_SIZE', access: WIA_PROP_READ, value: 0 });
  }

  override async drvValidateItemProperties(item: WiaDrvItem, propertyIds: readonly number[]): Promise<void> {
    this.validateCalls.push({ item: item.fullName, ids: [...propertyIds] });
    if (this.validationFailure !== undefined) throw this.validationFailure;
    const p = item.properties;
    const xres = p.value(WIA_IPS_XRES) as number;
    // The dependent property is updated first, as drivers do, so a failure after it must undo it too.
    p.setByDriver(WIA_IPS_XEXTENT, fullWidthAt(xres), extentRangeAt(xres));
    const yres = p.value(WIA_IPS_YRES) as number;
    if (xres !== yres) throw new WiaError(E_INVALIDARG, `WIA_IPS_XRES (${xres}) and WIA_IPS_YRES (${yres}) must be equal`);
  }

  override async drvReadItemProperties(item: WiaDrvItem, propertyIds: readonly number[]): Promise<void> {
    this.readCalls.push({ item: item.fullName, ids: [...propertyIds] });
    if (propertyIds.includes(WIA_IPA_ITEM_SIZE)) item.properties.setByDriver(WIA_IPA_ITEM_SIZE, this.deviceItemSize);
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<WiaError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(WiaError);
    return err as WiaError;
  }
  throw new Error('expected a rejection');
}

/** Every property of an item as [id, value, valid], to show that nothing changed. */
function snapshot(item: WiaDrvItem): Array<[number, WiaPropertyValue, WiaValidValues]> {
  return item.properties.list().map((p) => [p.id, p.value, p.valid]);
}

describe('WiaDevice properties', () => {
  let driver: FlatbedPropertyDriver;
  let device: WiaDevice;
  let flatbed: WiaDrvItem;

  beforeEach(async () => {
    driver = new FlatbedPropertyDriver();
    device = await WiaDevice.open(driver, { deviceId: 'test:flatbed' });
    flatbed = device.item('Root\\Flatbed');
  });

  afterEach(async () => {
    await device.close();
  });

  describe('writeProperties', () => {
    it('stores valid values and lets the driver validate them together, with the written ids', async () => {
      await device.writeProperties(flatbed, new Map([[WIA_IPS_XRES, 600], [WIA_IPS_YRES, 600]]));
      expect(flatbed.properties.value(WIA_IPS_XRES)).to.equal(600);
      expect(flatbed.properties.value(WIA_IPS_YRES)).to.equal(600);
      expect(driver.validateCalls).to.deep.equal([{ item: 'Root\\Flatbed', ids: [WIA_IPS_XRES, WIA_IPS_YRES] }]);
    });

    it('keeps what the driver updated while validating (dependent properties)', async () => {
      await device.writeProperties(flatbed, new Map([[WIA_IPS_XRES, 600], [WIA_IPS_YRES, 600]]));
      expect(flatbed.properties.value(WIA_IPS_XEXTENT)).to.equal(5100);
      expect(flatbed.properties.get(WIA_IPS_XEXTENT).valid).to.deep.equal(extentRangeAt(600));
    });

    it('lets the driver see the new values when it validates', async () => {
      let seen: WiaPropertyValue | undefined;
      driver.drvValidateItemProperties = async (item) => {
        seen = item.properties.value(WIA_IPA_FORMAT);
      };
      await device.writeProperties(flatbed, new Map([[WIA_IPA_FORMAT, WiaImgFmt_PNG]]));
      expect(seen).to.equal(WiaImgFmt_PNG);
    });

    it('refuses a read-only property with E_ACCESSDENIED, before the driver is asked and before anything changes', async () => {
      const before = snapshot(flatbed);
      const err = await rejectionOf(device.writeProperties(flatbed, new Map<number, WiaPropertyValue>([[WIA_IPS_XRES, 600], [WIA_IPA_ITEM_NAME, 'Renamed']])));
      expect(err.hresult).to.equal(E_ACCESSDENIED);
      expect(err.message).to.equal('WIA_IPA_ITEM_NAME is read-only');
      expect(snapshot(flatbed)).to.deep.equal(before);
      expect(driver.validateCalls).to.deep.equal([]);
    });

    it('refuses a value outside the valid values with E_INVALIDARG and the reason, changing nothing', async () => {
      const before = snapshot(flatbed);
      const err = await rejectionOf(device.writeProperties(flatbed, new Map([[WIA_IPS_YRES, 600], [WIA_IPS_XRES, 610]])));
      expect(err.hresult).to.equal(E_INVALIDARG);
      expect(err.message).to.equal('WIA_IPS_XRES must be 75 plus a multiple of 25, got 610');
      expect(snapshot(flatbed)).to.deep.equal(before);
      expect(driver.validateCalls).to.deep.equal([]);
    });

    it('refuses a value of the wrong type with E_INVALIDARG', async () => {
      const err = await rejectionOf(device.writeProperties(flatbed, new Map<number, WiaPropertyValue>([[WIA_IPA_FORMAT, 7]])));
      expect(err.hresult).to.equal(E_INVALIDARG);
      expect(err.message).to.equal('WIA_IPA_FORMAT takes a string, got 7');
    });

    it('refuses a property the item does not have with E_INVALIDARG', async () => {
      const err = await rejectionOf(device.writeProperties(flatbed, new Map([[0x7fff, 1]])));
      expect(err.hresult).to.equal(E_INVALIDARG);
      expect(driver.validateCalls).to.deep.equal([]);
    });

    it("rolls every written value back when the driver's validation fails, and passes its WiaError on", async () => {
      const before = snapshot(flatbed);
      const err = await rejectionOf(device.writeProperties(flatbed, new Map<number, WiaPropertyValue>([[WIA_IPS_XRES, 600], [WIA_IPA_FORMAT, WiaImgFmt_PNG]])));
      expect(err.hresult).to.equal(E_INVALIDARG);
      expect(err.message).to.equal('WIA_IPS_XRES (600) and WIA_IPS_YRES (300) must be equal');
      expect(flatbed.properties.value(WIA_IPS_XRES)).to.equal(300);
      expect(flatbed.properties.value(WIA_IPA_FORMAT)).to.equal(WiaImgFmt_BMP);
      expect(snapshot(flatbed)).to.deep.equal(before);
    });

    it('also undoes what the driver changed before its validation failed (nothing changes on failure)', async () => {
      await rejectionOf(device.writeProperties(flatbed, new Map([[WIA_IPS_XRES, 600]])));
      expect(flatbed.properties.value(WIA_IPS_XEXTENT)).to.equal(fullWidthAt(300));
      expect(flatbed.properties.get(WIA_IPS_XEXTENT).valid).to.deep.equal(extentRangeAt(300));
    });

    it('wraps anything else the driver throws as WIA_ERROR_EXCEPTION_IN_DRIVER, and rolls back', async () => {
      const thrown = new TypeError('cannot read properties of undefined');
      driver.validationFailure = thrown;
      const err = await rejectionOf(device.writeProperties(flatbed, new Map([[WIA_IPS_XRES, 600], [WIA_IPS_YRES, 600]])));
      expect(err.hresult).to.equal(WIA_ERROR_EXCEPTION_IN_DRIVER);
      expect(err.message).to.equal('drvValidateItemProperties threw: cannot read properties of undefined');
      expect(err.cause).to.equal(thrown);
      expect(flatbed.properties.value(WIA_IPS_XRES)).to.equal(300);
      expect(flatbed.properties.value(WIA_IPS_YRES)).to.equal(300);
    });

    it('leaves the item writable after a failed write', async () => {
      await rejectionOf(device.writeProperties(flatbed, new Map([[WIA_IPS_XRES, 600]])));
      await device.writeProperties(flatbed, new Map([[WIA_IPS_XRES, 1200], [WIA_IPS_YRES, 1200]]));
      expect(flatbed.properties.value(WIA_IPS_XEXTENT)).to.equal(10200);
    });
  });

  describe('readProperties', () => {
    it('asks the driver to refresh the requested ids, then returns their values', async () => {
      driver.deviceItemSize = 24_000_000;
      const values = await device.readProperties(flatbed, [WIA_IPA_ITEM_SIZE, WIA_IPS_XRES]);
      expect(driver.readCalls).to.deep.equal([{ item: 'Root\\Flatbed', ids: [WIA_IPA_ITEM_SIZE, WIA_IPS_XRES] }]);
      expect([...values]).to.deep.equal([
        [WIA_IPA_ITEM_SIZE, 24_000_000],
        [WIA_IPS_XRES, 300],
      ]);
    });

    it('reads every property of the item when no ids are given', async () => {
      const values = await device.readProperties(flatbed);
      const ids = flatbed.properties.list().map((p) => p.id);
      expect(driver.readCalls).to.deep.equal([{ item: 'Root\\Flatbed', ids }]);
      expect([...values.keys()]).to.deep.equal(ids);
      expect(values.get(WIA_IPA_ITEM_NAME)).to.equal('Flatbed');
    });

    it('returns what was written before', async () => {
      await device.writeProperties(flatbed, new Map([[WIA_IPS_XRES, 150], [WIA_IPS_YRES, 150]]));
      expect((await device.readProperties(flatbed, [WIA_IPS_XRES])).get(WIA_IPS_XRES)).to.equal(150);
    });

    it('rejects an id the item does not have with E_INVALIDARG, without asking the driver', async () => {
      const err = await rejectionOf(device.readProperties(flatbed, [WIA_IPS_XRES, 0x7fff]));
      expect(err.hresult).to.equal(E_INVALIDARG);
      expect(err.message).to.equal('the item has no property 32767');
      expect(driver.readCalls).to.deep.equal([]);
    });

    it('wraps a driver failure as WIA_ERROR_EXCEPTION_IN_DRIVER', async () => {
      driver.drvReadItemProperties = async () => {
        throw new Error('device unplugged');
      };
      const err = await rejectionOf(device.readProperties(flatbed, [WIA_IPS_XRES]));
      expect(err.hresult).to.equal(WIA_ERROR_EXCEPTION_IN_DRIVER);
      expect(err.message).to.equal('drvReadItemProperties threw: device unplugged');
    });
  });
});
