import {
  E_INVALIDARG,
  WIA_CATEGORY_FEEDER,
  WIA_IPA_FILENAME_EXTENSION,
  WIA_IPA_ITEM_SIZE,
  WiaError,
  type WiaDevice,
  type WiaDrvItem,
} from '@openwia/core';

/**
 * Finds an item from what a user typed: its full name (`Root\Feeder`), a path
 * below the root with `/` or `\` (`SD Card/DCIM`), or a name that only one
 * item has. `itemsCommand` is the command that lists the device's items, as the user must type
 * it (with the device options), suggested when nothing matches.
 */
export function findItem(device: WiaDevice, spec: string, itemsCommand = `openwia items ${device.deviceId}`): WiaDrvItem {
  const items = device.items();
  const normalized = spec.replace(/\//g, '\\').replace(/\\+$/, '');
  const rootName = device.root.name;
  const exact = items.find((i) => i.fullName === normalized || i.fullName === `${rootName}\\${normalized}`);
  if (exact) return exact;
  const named = items.filter((i) => i.name === spec);
  if (named.length === 1) return named[0]!;
  const why = named.length > 1 ? `${named.length} items are named ${spec}; give the full name` : `no item ${spec}`;
  throw new WiaError(E_INVALIDARG, `${why} (see: ${itemsCommand})`);
}

/**
 * What `acquire` takes when no item is named: the feeder of a scanner, or
 * else every folder holding transferable items (one folder transfer each),
 * plus transferable items that sit directly under the root.
 */
export function defaultTargets(device: WiaDevice): WiaDrvItem[] {
  const items = device.items();
  const feeder = items.find((i) => i.category === WIA_CATEGORY_FEEDER);
  if (feeder) return [feeder];
  const targets: WiaDrvItem[] = [];
  for (const item of items) {
    if (item.isFolder && item !== device.root && item.children.some((c) => c.isTransferable && !c.isFolder)) targets.push(item);
    else if (item.parent === device.root && item.isTransferable && !item.isFolder) targets.push(item);
  }
  return targets;
}

/** The size the device announces for an item, if any. */
export function announcedSize(item: WiaDrvItem | undefined): number | undefined {
  if (!item?.properties.has(WIA_IPA_ITEM_SIZE)) return undefined;
  const size = Number(item.properties.value(WIA_IPA_ITEM_SIZE));
  return Number.isFinite(size) && size > 0 ? size : undefined;
}

/** The file extension for an item: its own or its nearest ancestor's `WIA_IPA_FILENAME_EXTENSION`. */
export function fileExtension(item: WiaDrvItem | undefined): string | undefined {
  for (let at = item; at; at = at.parent) {
    if (at.properties.has(WIA_IPA_FILENAME_EXTENSION)) {
      const ext = String(at.properties.value(WIA_IPA_FILENAME_EXTENSION)).replace(/^\./, '');
      if (/^[A-Za-z0-9]{1,8}$/.test(ext)) return ext;
    }
  }
  return undefined;
}

/** The file name for an acquired item: the device's name, with the item's extension when it has none. */
export function fileNameFor(itemName: string, item: WiaDrvItem | undefined): string {
  const ext = fileExtension(item);
  return ext && !/\.[A-Za-z0-9]{1,8}$/.test(itemName) ? `${itemName}.${ext}` : itemName;
}
