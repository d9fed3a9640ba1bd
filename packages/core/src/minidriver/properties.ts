import { EventEmitter } from 'eventemitter3';
import { E_ACCESSDENIED, E_INVALIDARG, WiaError } from '../hresult/index.js';

/** Property access flags (`WIA_PROP_*`). */
export const WIA_PROP_READ = 0x1;
export const WIA_PROP_WRITE = 0x2;
export const WIA_PROP_RW = WIA_PROP_READ | WIA_PROP_WRITE;
export const WIA_PROP_SYNC_REQUIRED = 0x4;
/** Valid-value kinds (`WIA_PROP_NONE`, `_RANGE`, `_LIST`, `_FLAG`). */
export const WIA_PROP_NONE = 0x8;
export const WIA_PROP_RANGE = 0x10;
export const WIA_PROP_LIST = 0x20;
export const WIA_PROP_FLAG = 0x40;

/** A property value: VT_I4/VT_UI4 (number), VT_BSTR/VT_CLSID (string), VT_UI1|VT_VECTOR (bytes). */
export type WiaPropertyValue = number | string | Uint8Array;

/** The valid values of a property, as WIA describes them. */
export type WiaValidValues =
  | { kind: 'none' }
  | { kind: 'range'; min: number; nominal: number; max: number; step: number }
  | { kind: 'list'; nominal: WiaPropertyValue; values: readonly WiaPropertyValue[] }
  | { kind: 'flag'; nominal: number; bits: number };

/** The definition of one property on one item. */
export interface WiaPropertyDefinition {
  id: number;
  /** Readable name, e.g. `WIA_IPS_XRES`. */
  name: string;
  /** `WIA_PROP_READ` and/or `WIA_PROP_WRITE` (and `WIA_PROP_SYNC_REQUIRED`). */
  access: number;
  value: WiaPropertyValue;
  valid?: WiaValidValues;
}

/** A property as stored: its definition and current value. */
export interface WiaProperty extends Readonly<WiaPropertyDefinition> {
  readonly valid: WiaValidValues;
}

/** Events of a {@link WiaPropertyStorage}. */
export interface WiaPropertyStorageEvents {
  /** A value changed (by the app or the driver). */
  changed: (id: number, value: WiaPropertyValue, previous: WiaPropertyValue) => void;
}

function describe(value: WiaPropertyValue): string {
  return value instanceof Uint8Array ? `<${value.length} bytes>` : JSON.stringify(value);
}

function sameType(a: WiaPropertyValue, b: WiaPropertyValue): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array;
  return typeof a === typeof b;
}

/**
 * Checks `value` against a property's type and valid values. Returns a reason
 * when it is not acceptable, `undefined` when it is.
 */
export function checkValidValue(property: WiaProperty, value: WiaPropertyValue): string | undefined {
  if (!sameType(property.value, value)) {
    return `${property.name} takes a ${property.value instanceof Uint8Array ? 'byte array' : typeof property.value}, got ${describe(value)}`;
  }
  const valid = property.valid;
  switch (valid.kind) {
    case 'none':
      return undefined;
    case 'range': {
      const n = value as number;
      if (!Number.isFinite(n) || n < valid.min || n > valid.max) {
        return `${property.name} must be in [${valid.min}, ${valid.max}], got ${describe(value)}`;
      }
      if (valid.step > 0 && (n - valid.min) % valid.step !== 0) {
        return `${property.name} must be ${valid.min} plus a multiple of ${valid.step}, got ${n}`;
      }
      return undefined;
    }
    case 'list':
      return valid.values.some((v) => v === value)
        ? undefined
        : `${property.name} must be one of ${valid.values.map(describe).join(', ')}, got ${describe(value)}`;
    case 'flag': {
      const n = value as number;
      // `&` truncates to 32 bits, so 2^32 + 1 would pass as 1: demand an unsigned 32-bit value first.
      return n >>> 0 === n && (n & ~valid.bits) === 0
        ? undefined
        : `${property.name} accepts only the bits 0x${valid.bits.toString(16)}, got ${describe(value)}`;
    }
  }
}

/**
 * The properties of one item. Drivers define them (`drvInitItemProperties`)
 * and set them freely with {@link setByDriver}; the app side writes through
 * {@link validateWrite} + {@link setByDriver} after the driver validated, so
 * read-only and out-of-range values never reach a driver.
 */
export class WiaPropertyStorage extends EventEmitter<WiaPropertyStorageEvents> {
  private readonly byId = new Map<number, WiaProperty>();

  /** Defines (or redefines) a property. */
  define(definition: WiaPropertyDefinition): void {
    const property: WiaProperty = { ...definition, valid: definition.valid ?? { kind: 'none' } };
    const problem = checkValidValue(property, property.value);
    if (problem) throw new WiaError(E_INVALIDARG, `invalid initial value: ${problem}`);
    this.byId.set(definition.id, property);
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  /** The property with this id; throws `E_INVALIDARG` when the item has none. */
  get(id: number): WiaProperty {
    const property = this.byId.get(id);
    if (!property) throw new WiaError(E_INVALIDARG, `the item has no property ${id}`);
    return property;
  }

  /** The current value of a property. */
  value(id: number): WiaPropertyValue {
    return this.get(id).value;
  }

  /** Every property, in definition order. */
  list(): WiaProperty[] {
    return [...this.byId.values()];
  }

  /**
   * Checks an app's write: the property exists, is writable, and the value is
   * valid. Throws `E_ACCESSDENIED` or `E_INVALIDARG` with the reason.
   */
  validateWrite(id: number, value: WiaPropertyValue): void {
    const property = this.get(id);
    if ((property.access & WIA_PROP_WRITE) === 0) {
      throw new WiaError(E_ACCESSDENIED, `${property.name} is read-only`);
    }
    const problem = checkValidValue(property, value);
    if (problem) throw new WiaError(E_INVALIDARG, problem);
  }

  /** Sets a value without access checks (the driver's path); emits `changed`. */
  setByDriver(id: number, value: WiaPropertyValue, valid?: WiaValidValues): void {
    const property = this.get(id);
    const next: WiaProperty = { ...property, value, valid: valid ?? property.valid };
    this.byId.set(id, next);
    if (property.value !== value) this.emit('changed', id, value, property.value);
  }
}
