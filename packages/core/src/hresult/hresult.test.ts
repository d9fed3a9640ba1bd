import { expect } from 'chai';
import * as hresults from './hresult.js';
import {
  E_ABORT,
  E_ACCESSDENIED,
  E_FAIL,
  E_HANDLE,
  E_INVALIDARG,
  E_NOINTERFACE,
  E_NOTIMPL,
  E_OUTOFMEMORY,
  E_POINTER,
  E_UNEXPECTED,
  HRESULT_NAMES,
  S_FALSE,
  S_OK,
  WIA_ERROR_COVER_OPEN,
  WIA_ERROR_OFFLINE,
  WIA_STATUS_SKIP_ITEM,
  failed,
  formatHResult,
  hresultName,
  succeeded,
} from './hresult.js';

/**
 * The table of /work/shared/wia-reference.md ("HRESULTs"), typed in by hand
 * from the document — not derived from the code under test — so that a wrong
 * constant (e.g. COVER_OPEN written as 0x80210016) cannot hide.
 */
const WIA_ERRORS_FROM_REFERENCE: ReadonlyArray<[name: string, value: number]> = [
  ['WIA_ERROR_GENERAL_ERROR', 0x80210001],
  ['WIA_ERROR_PAPER_JAM', 0x80210002],
  ['WIA_ERROR_PAPER_EMPTY', 0x80210003],
  ['WIA_ERROR_PAPER_PROBLEM', 0x80210004],
  ['WIA_ERROR_OFFLINE', 0x80210005],
  ['WIA_ERROR_BUSY', 0x80210006],
  ['WIA_ERROR_WARMING_UP', 0x80210007],
  ['WIA_ERROR_USER_INTERVENTION', 0x80210008],
  ['WIA_ERROR_ITEM_DELETED', 0x80210009],
  ['WIA_ERROR_DEVICE_COMMUNICATION', 0x8021000a],
  ['WIA_ERROR_INVALID_COMMAND', 0x8021000b],
  ['WIA_ERROR_INCORRECT_HARDWARE_SETTING', 0x8021000c],
  ['WIA_ERROR_DEVICE_LOCKED', 0x8021000d],
  ['WIA_ERROR_EXCEPTION_IN_DRIVER', 0x8021000e],
  ['WIA_ERROR_INVALID_DRIVER_RESPONSE', 0x8021000f],
  ['WIA_ERROR_COVER_OPEN', 0x80210010],
  ['WIA_ERROR_LAMP_OFF', 0x80210011],
  ['WIA_ERROR_DESTINATION', 0x80210012],
  ['WIA_ERROR_NETWORK_RESERVATION_FAILED', 0x80210013],
  ['WIA_ERROR_MULTI_FEED', 0x80210014],
  ['WIA_ERROR_MAXIMUM_PRINTER_ENDORSER_COUNTER', 0x80210015],
];

const WIA_STATUSES_FROM_REFERENCE: ReadonlyArray<[name: string, value: number]> = [
  ['WIA_STATUS_END_OF_MEDIA', 0x00210001],
  ['WIA_STATUS_WARMING_UP', 0x00210002],
  ['WIA_STATUS_CALIBRATING', 0x00210003],
  ['WIA_STATUS_RESERVING_NETWORK_DEVICE', 0x00210006],
  ['WIA_STATUS_NETWORK_DEVICE_RESERVED', 0x00210007],
  ['WIA_STATUS_CLEAR', 0x00210008],
  ['WIA_STATUS_SKIP_ITEM', 0x00210009],
  ['WIA_STATUS_NOT_HANDLED', 0x0021000a],
];

const COMMON_FROM_REFERENCE: ReadonlyArray<[name: string, value: number]> = [
  ['S_OK', 0x00000000],
  ['S_FALSE', 0x00000001],
  ['E_NOTIMPL', 0x80004001],
  ['E_NOINTERFACE', 0x80004002],
  ['E_POINTER', 0x80004003],
  ['E_ABORT', 0x80004004],
  ['E_FAIL', 0x80004005],
  ['E_UNEXPECTED', 0x8000ffff],
  ['E_ACCESSDENIED', 0x80070005],
  ['E_HANDLE', 0x80070006],
  ['E_OUTOFMEMORY', 0x8007000e],
  ['E_INVALIDARG', 0x80070057],
];

const exported = hresults as unknown as Record<string, unknown>;

/** The same HRESULT as a signed 32-bit number, the way some callers hold it. */
const asInt32 = (hr: number): number => hr | 0;

describe('HRESULT values', () => {
  describe('every WIA_ERROR_* has the value of the SDK table (facility 33, severity error)', () => {
    for (const [name, value] of WIA_ERRORS_FROM_REFERENCE) {
      it(`${name} is ${formatHResult(value)}`, () => {
        expect(exported[name], name).to.equal(value);
      });
    }
  });

  describe('every WIA_STATUS_* has the value of the SDK table (facility 33, severity success)', () => {
    for (const [name, value] of WIA_STATUSES_FROM_REFERENCE) {
      it(`${name} is ${formatHResult(value)}`, () => {
        expect(exported[name], name).to.equal(value);
      });
    }
  });

  describe('the common COM codes have their winerror.h values', () => {
    for (const [name, value] of COMMON_FROM_REFERENCE) {
      it(`${name} is ${formatHResult(value)}`, () => {
        expect(exported[name], name).to.equal(value);
      });
    }
  });

  it('spells out the values the field gets wrong', () => {
    expect(WIA_ERROR_COVER_OPEN).to.equal(0x80210010);
    expect(WIA_STATUS_SKIP_ITEM).to.equal(0x00210009);
  });

  it('exports no WIA_ERROR_* or WIA_STATUS_* that the reference table does not list', () => {
    const known = new Set([...WIA_ERRORS_FROM_REFERENCE, ...WIA_STATUSES_FROM_REFERENCE].map(([name]) => name));
    const wiaNames = Object.keys(exported).filter((k) => k.startsWith('WIA_ERROR_') || k.startsWith('WIA_STATUS_'));
    expect(wiaNames.filter((k) => !known.has(k))).to.deep.equal([]);
  });

  it('keeps HRESULTs as unsigned 32-bit numbers', () => {
    for (const [, value] of [...WIA_ERRORS_FROM_REFERENCE, ...COMMON_FROM_REFERENCE]) {
      expect(value).to.be.at.least(0).and.at.most(0xffffffff);
    }
  });
});

describe('HRESULT_NAMES', () => {
  it('names every code of the reference tables by its SDK name', () => {
    for (const [name, value] of [...COMMON_FROM_REFERENCE, ...WIA_ERRORS_FROM_REFERENCE, ...WIA_STATUSES_FROM_REFERENCE]) {
      expect(HRESULT_NAMES.get(value), formatHResult(value)).to.equal(name);
    }
  });

  it('has one entry per distinct value (no two names share a code)', () => {
    const values = [...HRESULT_NAMES.keys()];
    expect(new Set(values).size).to.equal(values.length);
  });
});

describe('succeeded / failed', () => {
  it('S_OK, S_FALSE and every WIA_STATUS_* succeed', () => {
    for (const hr of [S_OK, S_FALSE, ...WIA_STATUSES_FROM_REFERENCE.map(([, v]) => v)]) {
      expect(succeeded(hr), formatHResult(hr)).to.equal(true);
      expect(failed(hr), formatHResult(hr)).to.equal(false);
    }
  });

  it('every E_* and WIA_ERROR_* fails', () => {
    const errors = [E_NOTIMPL, E_NOINTERFACE, E_POINTER, E_ABORT, E_FAIL, E_UNEXPECTED, E_ACCESSDENIED, E_HANDLE, E_OUTOFMEMORY, E_INVALIDARG];
    for (const hr of [...errors, ...WIA_ERRORS_FROM_REFERENCE.map(([, v]) => v)]) {
      expect(failed(hr), formatHResult(hr)).to.equal(true);
      expect(succeeded(hr), formatHResult(hr)).to.equal(false);
    }
  });

  it('reads the severity bit of a signed int32 HRESULT the same way', () => {
    expect(asInt32(E_INVALIDARG)).to.be.below(0);
    expect(failed(asInt32(E_INVALIDARG))).to.equal(true);
    expect(succeeded(asInt32(WIA_STATUS_SKIP_ITEM))).to.equal(true);
  });

  it('puts the boundary exactly at the severity bit', () => {
    expect(succeeded(0x7fffffff)).to.equal(true);
    expect(failed(0x80000000)).to.equal(true);
  });
});

describe('formatHResult', () => {
  it('prints eight lower-case hex digits with 0x, as the SDK documents them', () => {
    expect(formatHResult(WIA_ERROR_OFFLINE)).to.equal('0x80210005');
    expect(formatHResult(S_OK)).to.equal('0x00000000');
    expect(formatHResult(S_FALSE)).to.equal('0x00000001');
    expect(formatHResult(E_UNEXPECTED)).to.equal('0x8000ffff');
  });

  it('prints a signed int32 HRESULT in its unsigned form', () => {
    expect(formatHResult(asInt32(E_INVALIDARG))).to.equal('0x80070057');
  });
});

describe('hresultName', () => {
  it('gives the SDK name of a known code', () => {
    expect(hresultName(WIA_ERROR_OFFLINE)).to.equal('WIA_ERROR_OFFLINE');
    expect(hresultName(WIA_STATUS_SKIP_ITEM)).to.equal('WIA_STATUS_SKIP_ITEM');
    expect(hresultName(E_ABORT)).to.equal('E_ABORT');
  });

  it('finds the name of a signed int32 HRESULT', () => {
    expect(hresultName(asInt32(E_INVALIDARG))).to.equal('E_INVALIDARG');
  });

  it('falls back to the hex form for a code it does not know', () => {
    expect(hresultName(0x80210099)).to.equal('0x80210099');
    expect(hresultName(0x00000002)).to.equal('0x00000002');
  });
});
