import { WiaItemType, type WiaDrvItem } from '@openwia/core';
import { announcedSize } from '../session/item-lookup.js';
import { printJson, withCatalog, type GlobalOptions } from './context.js';

function kindOf(item: WiaDrvItem): string {
  const f = item.flags;
  if (f & WiaItemType.Root) return 'root';
  if (f & WiaItemType.Storage) return 'storage';
  if (f & WiaItemType.Folder) return 'folder';
  if (f & WiaItemType.Document) return 'document';
  if (f & WiaItemType.Image) return 'image';
  if (f & WiaItemType.Video) return 'video';
  return 'item';
}

/** `openwia items <device>`: the item tree. */
export async function itemsCommand(deviceId: string, options: GlobalOptions): Promise<void> {
  await withCatalog(options, async (catalog) => {
    const device = catalog.device(deviceId);
    const items = device.items().map((item) => ({
      fullName: item.fullName,
      name: item.name,
      kind: kindOf(item),
      transferable: item.isTransferable,
      size: announcedSize(item) ?? null,
      depth: item.fullName.split('\\').length - 1,
    }));
    if (options.json) return printJson(items);
    for (const item of items) {
      const size = item.size === null ? '' : `${item.size} bytes`;
      console.log(`${'  '.repeat(item.depth)}${item.name.padEnd(Math.max(1, 30 - 2 * item.depth))} ${item.kind.padEnd(8)} ${size}`.trimEnd());
    }
  }, deviceId);
}
