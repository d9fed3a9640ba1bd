import { expect } from 'chai';
import fc from 'fast-check';
import { E_ACCESSDENIED, E_INVALIDARG, WiaError } from '../hresult/index.js';
import { WiaImgFmt_BMP, WiaImgFmt_PNG, WIA_IPA_FORMAT, WIA_IPA_ITEM_NAME, WIA_IPC_THUMBNAIL, WIA_IPS_XRES } from './property-ids.js';
import {
  WIA_PROP_READ,
  WIA_PROP_RW,
  WIA_PROP_WRITE,
  WiaPropertyStorage,
  checkValidValue,
  type WiaProperty,
  type WiaPropertyValue,
  type WiaValidValues,
} from './properties.js';

/** A stored property as `checkValidValue` sees it. */
function property(value: WiaPropertyValue, valid: WiaValidValues, name = 'WIA_TEST'): WiaProperty {
  return { id: 1, name, access: WIA_PROP_RW, value, valid };
}

const XRES_RANGE: WiaValidValues = { kind: 'range', min: 75, nominal: 300, max: 1200, step: 25 };

/** A storage holding a read-only name, a writable resolution (range) and format (list). */
function scannerItemProperties(): WiaPropertyStorage {
  const storage = new WiaPropertyStorage();
  storage.define({ id: WIA_IPA_ITEM_NAME, name: 'WIA_IPA_ITEM_NAME', access: WIA_PROP_READ, value: 'Flatbed' });
  storage.define({ id: WIA_IPS_XRES, name: 'WIA_IPS_XRES', access: WIA_PROP_RW, value: 300, valid: XRES_RANGE });
  storage.define({
    id: WIA_IPA_FORMAT,
    name: 'WIA_IPA_FORMAT',
    access: WIA_PROP_RW,
    value: WiaImgFmt_BMP,
    valid: { kind: 'list', nominal: WiaImgFmt_BMP, values: [WiaImgFmt_BMP, WiaImgFmt_PNG] },
  });
  return storage;
}

function thrownBy(fn: () => unknown): WiaError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(WiaError);
    return err as WiaError;
  }
  throw new Error('expected a WiaError');
}

describe('WiaPropertyStorage', () => {
  describe('define / has / get / value / list', () => {
    it('stores a definition and reads it back by id', () => {
      const storage = scannerItemProperties();
      expect(storage.has(WIA_IPS_XRES)).to.equal(true);
      expect(storage.value(WIA_IPS_XRES)).to.equal(300);
      expect(storage.get(WIA_IPS_XRES)).to.deep.include({ id: WIA_IPS_XRES, name: 'WIA_IPS_XRES', access: WIA_PROP_RW, value: 300, valid: XRES_RANGE });
    });

    it('gives a property without valid values the kind none', () => {
      expect(scannerItemProperties().get(WIA_IPA_ITEM_NAME).valid).to.deep.equal({ kind: 'none' });
    });

    it('lists every property in definition order', () => {
      expect(scannerItemProperties().list().map((p) => p.id)).to.deep.equal([WIA_IPA_ITEM_NAME, WIA_IPS_XRES, WIA_IPA_FORMAT]);
    });

    it('redefines a property in place', () => {
      const storage = scannerItemProperties();
      storage.define({ id: WIA_IPS_XRES, name: 'WIA_IPS_XRES', access: WIA_PROP_READ, value: 600 });
      expect(storage.value(WIA_IPS_XRES)).to.equal(600);
      expect(storage.get(WIA_IPS_XRES).access).to.equal(WIA_PROP_READ);
      expect(storage.list().map((p) => p.id)).to.deep.equal([WIA_IPA_ITEM_NAME, WIA_IPS_XRES, WIA_IPA_FORMAT]);
    });

    it('holds byte-array values (e.g. a thumbnail)', () => {
      const storage = new WiaPropertyStorage();
      const thumbnail = new Uint8Array([0xff, 0xd8, 0xff]);
      storage.define({ id: WIA_IPC_THUMBNAIL, name: 'WIA_IPC_THUMBNAIL', access: WIA_PROP_READ, value: thumbnail });
      expect(storage.value(WIA_IPC_THUMBNAIL)).to.equal(thumbnail);
    });

    it('rejects an initial value its own valid values exclude, with E_INVALIDARG', () => {
      const storage = new WiaPropertyStorage();
      const err = thrownBy(() => storage.define({ id: WIA_IPS_XRES, name: 'WIA_IPS_XRES', access: WIA_PROP_RW, value: 50, valid: XRES_RANGE }));
      expect(err.hresult).to.equal(E_INVALIDARG);
      expect(err.message).to.equal('invalid initial value: WIA_IPS_XRES must be in [75, 1200], got 50');
      expect(storage.has(WIA_IPS_XRES)).to.equal(false);
    });

    it('answers has() = false and get()/value() = E_INVALIDARG for an id the item lacks', () => {
      const storage = scannerItemProperties();
      expect(storage.has(9999)).to.equal(false);
      expect(thrownBy(() => storage.get(9999)).hresult).to.equal(E_INVALIDARG);
      expect(thrownBy(() => storage.value(9999)).message).to.equal('the item has no property 9999');
    });
  });

  describe('validateWrite (the app path)', () => {
    it('accepts a valid value on a writable property without changing anything', () => {
      const storage = scannerItemProperties();
      storage.validateWrite(WIA_IPS_XRES, 600);
      storage.validateWrite(WIA_IPA_FORMAT, WiaImgFmt_PNG);
      expect(storage.value(WIA_IPS_XRES)).to.equal(300);
      expect(storage.value(WIA_IPA_FORMAT)).to.equal(WiaImgFmt_BMP);
    });

    it('refuses any write to a read-only property with E_ACCESSDENIED', () => {
      const err = thrownBy(() => scannerItemProperties().validateWrite(WIA_IPA_ITEM_NAME, 'Renamed'));
      expect(err.hresult).to.equal(E_ACCESSDENIED);
      expect(err.message).to.equal('WIA_IPA_ITEM_NAME is read-only');
    });

    it('treats a write-only property as writable', () => {
      const storage = new WiaPropertyStorage();
      storage.define({ id: 7, name: 'WRITE_ONLY', access: WIA_PROP_WRITE, value: 0 });
      storage.validateWrite(7, 5);
    });

    it('refuses an out-of-range value with E_INVALIDARG and says why', () => {
      const err = thrownBy(() => scannerItemProperties().validateWrite(WIA_IPS_XRES, 2400));
      expect(err.hresult).to.equal(E_INVALIDARG);
      expect(err.message).to.equal('WIA_IPS_XRES must be in [75, 1200], got 2400');
    });

    it('refuses a value off the step with E_INVALIDARG and says why', () => {
      const err = thrownBy(() => scannerItemProperties().validateWrite(WIA_IPS_XRES, 310));
      expect(err.hresult).to.equal(E_INVALIDARG);
      expect(err.message).to.equal('WIA_IPS_XRES must be 75 plus a multiple of 25, got 310');
    });

    it('refuses a value of the wrong type with E_INVALIDARG and says why', () => {
      const err = thrownBy(() => scannerItemProperties().validateWrite(WIA_IPS_XRES, '300'));
      expect(err.hresult).to.equal(E_INVALIDARG);
      expect(err.message).to.equal('WIA_IPS_XRES takes a number, got "300"');
    });

    it('refuses a value outside the list with E_INVALIDARG and lists the allowed ones', () => {
      const err = thrownBy(() => scannerItemProperties().validateWrite(WIA_IPA_FORMAT, 'not-a-format'));
      expect(err.hresult).to.equal(E_INVALIDARG);
      expect(err.message).to.equal(`WIA_IPA_FORMAT must be one of "${WiaImgFmt_BMP}", "${WiaImgFmt_PNG}", got "not-a-format"`);
    });

    it('refuses a write to a property the item lacks with E_INVALIDARG', () => {
      expect(thrownBy(() => scannerItemProperties().validateWrite(9999, 1)).hresult).to.equal(E_INVALIDARG);
    });

    it('checks access before the value: a bad value on a read-only property is E_ACCESSDENIED', () => {
      expect(thrownBy(() => scannerItemProperties().validateWrite(WIA_IPA_ITEM_NAME, 42)).hresult).to.equal(E_ACCESSDENIED);
    });
  });

  describe('setByDriver (the driver path)', () => {
    it('sets any value, read-only or not, without validation', () => {
      const storage = scannerItemProperties();
      storage.setByDriver(WIA_IPA_ITEM_NAME, 'Renamed');
      expect(storage.value(WIA_IPA_ITEM_NAME)).to.equal('Renamed');
    });

    it('emits changed(id, value, previous) when the value changes', () => {
      const storage = scannerItemProperties();
      const seen: unknown[][] = [];
      storage.on('changed', (...args) => seen.push(args));
      storage.setByDriver(WIA_IPS_XRES, 600);
      expect(seen).to.deep.equal([[WIA_IPS_XRES, 600, 300]]);
    });

    it('emits nothing when the value stays the same', () => {
      const storage = scannerItemProperties();
      let events = 0;
      storage.on('changed', () => events++);
      storage.setByDriver(WIA_IPS_XRES, 300);
      storage.setByDriver(WIA_IPS_XRES, 300, { kind: 'range', min: 100, nominal: 300, max: 600, step: 100 });
      expect(events).to.equal(0);
    });

    it('replaces the valid values when given, and keeps them otherwise', () => {
      const storage = scannerItemProperties();
      const narrower: WiaValidValues = { kind: 'range', min: 100, nominal: 300, max: 600, step: 100 };
      storage.setByDriver(WIA_IPS_XRES, 300, narrower);
      expect(storage.get(WIA_IPS_XRES).valid).to.deep.equal(narrower);
      storage.setByDriver(WIA_IPS_XRES, 400);
      expect(storage.get(WIA_IPS_XRES).valid).to.deep.equal(narrower);
      expect(thrownBy(() => storage.validateWrite(WIA_IPS_XRES, 1200)).hresult).to.equal(E_INVALIDARG);
    });

    it('replaces the stored property: an object read earlier keeps the old value', () => {
      const storage = scannerItemProperties();
      const before = storage.get(WIA_IPS_XRES);
      storage.setByDriver(WIA_IPS_XRES, 600);
      expect(before.value).to.equal(300);
      expect(storage.value(WIA_IPS_XRES)).to.equal(600);
    });

    it('throws E_INVALIDARG for a property the item lacks', () => {
      expect(thrownBy(() => scannerItemProperties().setByDriver(9999, 1)).hresult).to.equal(E_INVALIDARG);
    });
  });
});

describe('checkValidValue', () => {
  describe('types', () => {
    const cases: Array<[string, WiaPropertyValue, WiaPropertyValue, string]> = [
      ['a number property given a string', 1, 'one', 'WIA_TEST takes a number, got "one"'],
      ['a string property given a number', 'one', 1, 'WIA_TEST takes a string, got 1'],
      ['a byte-array property given a number', new Uint8Array(2), 1, 'WIA_TEST takes a byte array, got 1'],
      ['a number property given bytes', 1, new Uint8Array(3), 'WIA_TEST takes a number, got <3 bytes>'],
      ['a string property given bytes', 'x', new Uint8Array(0), 'WIA_TEST takes a string, got <0 bytes>'],
    ];
    for (const [title, current, written, reason] of cases) {
      it(`refuses ${title}`, () => {
        expect(checkValidValue(property(current, { kind: 'none' }), written)).to.equal(reason);
      });
    }

    it('refuses a mismatched type whatever the valid values', () => {
      expect(checkValidValue(property(300, XRES_RANGE, 'WIA_IPS_XRES'), '300')).to.equal('WIA_IPS_XRES takes a number, got "300"');
      expect(checkValidValue(property(1, { kind: 'flag', nominal: 1, bits: 3 }), 'x')).to.match(/takes a number/);
    });

    it('accepts bytes for a byte-array property', () => {
      expect(checkValidValue(property(new Uint8Array(1), { kind: 'none' }), new Uint8Array(10))).to.equal(undefined);
    });
  });

  describe('kind none', () => {
    it('accepts any value of the right type', () => {
      for (const value of [0, -5, 1.5, 2 ** 40]) expect(checkValidValue(property(0, { kind: 'none' }), value)).to.equal(undefined);
      expect(checkValidValue(property('a', { kind: 'none' }), '')).to.equal(undefined);
    });
  });

  describe('kind range', () => {
    const xres = property(300, XRES_RANGE, 'WIA_IPS_XRES');

    it('accepts both ends and every step between', () => {
      for (const value of [75, 100, 300, 1175, 1200]) expect(checkValidValue(xres, value), String(value)).to.equal(undefined);
    });

    it('refuses values below min or above max', () => {
      expect(checkValidValue(xres, 50)).to.equal('WIA_IPS_XRES must be in [75, 1200], got 50');
      expect(checkValidValue(xres, 1225)).to.equal('WIA_IPS_XRES must be in [75, 1200], got 1225');
    });

    it('counts steps from min, not from zero', () => {
      expect(checkValidValue(xres, 125)).to.equal(undefined);
      expect(checkValidValue(property(300, { kind: 'range', min: 75, nominal: 275, max: 1175, step: 100 }, 'R'), 300)).to.equal('R must be 75 plus a multiple of 100, got 300');
    });

    it('refuses NaN and infinities', () => {
      for (const value of [NaN, Infinity, -Infinity]) expect(checkValidValue(xres, value), String(value)).to.be.a('string');
    });

    it('with step 0 accepts anything in [min, max]', () => {
      const continuous = property(0, { kind: 'range', min: -1000, nominal: 0, max: 1000, step: 0 });
      expect(checkValidValue(continuous, 333)).to.equal(undefined);
      expect(checkValidValue(continuous, 1001)).to.be.a('string');
    });

    it('agrees with a reference predicate for any integer range, step and value', () => {
      const rangeAndValue = fc
        .record({ min: fc.integer({ min: -10_000, max: 10_000 }), span: fc.nat(20_000), step: fc.nat(500) })
        .chain(({ min, span, step }) => fc.tuple(fc.constant({ min, max: min + span, step }), fc.integer({ min: min - 1_000, max: min + span + 1_000 })));
      fc.assert(
        fc.property(rangeAndValue, ([{ min, max, step }, value]) => {
          const expected = value >= min && value <= max && (step === 0 || (value - min) % step === 0);
          const reason = checkValidValue(property(min, { kind: 'range', min, nominal: min, max, step }), value);
          return (reason === undefined) === expected;
        }),
      );
    });
  });

  describe('kind list', () => {
    it('accepts exactly the listed numbers', () => {
      const depth = property(8, { kind: 'list', nominal: 8, values: [1, 8, 24] }, 'WIA_IPA_DEPTH');
      for (const value of [1, 8, 24]) expect(checkValidValue(depth, value)).to.equal(undefined);
      expect(checkValidValue(depth, 16)).to.equal('WIA_IPA_DEPTH must be one of 1, 8, 24, got 16');
    });

    it('accepts exactly the listed strings (e.g. format GUIDs)', () => {
      const format = property(WiaImgFmt_BMP, { kind: 'list', nominal: WiaImgFmt_BMP, values: [WiaImgFmt_BMP, WiaImgFmt_PNG] });
      expect(checkValidValue(format, WiaImgFmt_PNG)).to.equal(undefined);
      expect(checkValidValue(format, WiaImgFmt_PNG.toUpperCase())).to.be.a('string');
    });
  });

  describe('kind flag', () => {
    const select = property(1, { kind: 'flag', nominal: 1, bits: 0x7 }, 'WIA_IPS_DOCUMENT_HANDLING_SELECT');

    it('accepts any combination of the allowed bits, including none', () => {
      for (const value of [0, 1, 2, 4, 5, 7]) expect(checkValidValue(select, value), String(value)).to.equal(undefined);
    });

    it('refuses a bit outside the allowed ones and names them in hex', () => {
      expect(checkValidValue(select, 0x9)).to.equal('WIA_IPS_DOCUMENT_HANDLING_SELECT accepts only the bits 0x7, got 9');
    });

    it('refuses non-integers and negative numbers', () => {
      for (const value of [1.5, -1, NaN]) expect(checkValidValue(select, value), String(value)).to.be.a('string');
    });

    it('refuses values beyond 32 bits instead of truncating them (2^32 + 1 is not bit 0)', () => {
      for (const value of [2 ** 32, 2 ** 32 + 1, 2 ** 53]) expect(checkValidValue(select, value), String(value)).to.be.a('string');
    });

    it('handles the top bit (0x80000000) as an unsigned flag', () => {
      const high = property(0, { kind: 'flag', nominal: 0, bits: 0x80000001 });
      expect(checkValidValue(high, 0x80000001)).to.equal(undefined);
      expect(checkValidValue(high, 0x80000000)).to.equal(undefined);
      expect(checkValidValue(high, 0x40000000)).to.be.a('string');
    });

    it('agrees with a reference predicate for any 32-bit mask and any integer value', () => {
      const allowed = (lo: number, bits: number): number => (lo & bits) >>> 0;
      const maskAndValue = fc.nat({ max: 0xffffffff }).chain((bits) =>
        fc.tuple(
          fc.constant(bits),
          fc.oneof(
            fc.nat({ max: 0xffffffff }),
            fc.nat({ max: 0xffffffff }).map((lo) => allowed(lo, bits)),
            // allowed low 32 bits with more above them: must not pass as their low 32 bits
            fc.tuple(fc.integer({ min: 1, max: 0x1fffff }), fc.nat({ max: 0xffffffff })).map(([hi, lo]) => hi * 2 ** 32 + allowed(lo, bits)),
            fc.integer({ min: -0x80000000, max: -1 }),
          ),
        ),
      );
      fc.assert(
        fc.property(maskAndValue, ([bits, n]) => {
          const expected = n >= 0 && n <= 0xffffffff && (BigInt(n) & ~BigInt(bits)) === 0n;
          const reason = checkValidValue(property(0, { kind: 'flag', nominal: 0, bits }), n);
          return (reason === undefined) === expected;
        }),
      );
    });
  });
});
