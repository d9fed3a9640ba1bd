import { E_INVALIDARG, WIA_PROP_WRITE, WiaError, type WiaProperty, type WiaPropertyValue, type WiaValidValues } from '@openwia/core';
import { findItem } from '../session/item-lookup.js';
import { printJson, withCatalog, type GlobalOptions } from './context.js';

function describeValue(value: WiaPropertyValue): string | number {
  return value instanceof Uint8Array ? `<${value.length} bytes>` : value;
}

function describeValid(valid: WiaValidValues): string {
  switch (valid.kind) {
    case 'none':
      return '';
    case 'range':
      return `${valid.min}..${valid.max}${valid.step > 1 ? ` step ${valid.step}` : ''}`;
    case 'list':
      return valid.values.map((v) => String(describeValue(v))).join(', ');
    case 'flag':
      return `flags 0x${valid.bits.toString(16)}`;
  }
}

/** Parses `NAME=VALUE` against a property's type: numbers stay numbers. */
export function parseAssignment(text: string, properties: WiaProperty[]): [number, WiaPropertyValue] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new WiaError(E_INVALIDARG, `expected NAME=VALUE, got ${JSON.stringify(text)}`);
  const key = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  const property = properties.find((p) => p.name === key || p.name === `WIA_${key}` || String(p.id) === key);
  if (!property) throw new WiaError(E_INVALIDARG, `the item has no property ${key}`);
  if (typeof property.value === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new WiaError(E_INVALIDARG, `${property.name} takes a number, got ${JSON.stringify(raw)}`);
    return [property.id, n];
  }
  if (property.value instanceof Uint8Array) throw new WiaError(E_INVALIDARG, `${property.name} is binary and cannot be set from the command line`);
  return [property.id, raw];
}

/** `openwia props <device> <item> [NAME=VALUE...]`: shows an item's properties, writing any given first. */
export async function propsCommand(deviceId: string, itemSpec: string, assignments: string[], options: GlobalOptions): Promise<void> {
  await withCatalog(options, async (catalog) => {
    const device = catalog.device(deviceId);
    const item = findItem(device, itemSpec, `openwia items ${deviceId}${catalog.flags}`);
    if (assignments.length) {
      const writes = new Map(assignments.map((a) => parseAssignment(a, item.properties.list())));
      await device.writeProperties(item, writes);
    }
    const values = await device.readProperties(item);
    const rows = item.properties.list().map((p) => ({
      id: p.id,
      name: p.name,
      value: describeValue(values.get(p.id) ?? p.value),
      writable: (p.access & WIA_PROP_WRITE) !== 0,
      valid: describeValid(p.valid),
    }));
    if (options.json) return printJson({ item: item.fullName, properties: rows });
    console.log(item.fullName);
    for (const row of rows) {
      console.log(`  ${String(row.id).padStart(5)} ${row.name.padEnd(34)} ${String(row.value).padEnd(40)} ${row.writable ? 'rw' : 'r '} ${row.valid}`.trimEnd());
    }
  }, deviceId);
}
