import { formatVidPid } from '@openwia/core/discovery';
import { printJson, withCatalog, type GlobalOptions } from './context.js';

/** "Maker Product", without the maker twice when the product name already starts with it. */
export function deviceName(manufacturer: string | null, product: string | null): string {
  if (!manufacturer) return product ?? '';
  if (!product) return manufacturer;
  return product.toLowerCase().startsWith(manufacturer.toLowerCase()) ? product : `${manufacturer} ${product}`;
}

/** `openwia list`: every device, usable or not, and why not. */
export async function listCommand(options: GlobalOptions): Promise<void> {
  await withCatalog(options, async (catalog) => {
    const rows = catalog.entries().map(({ id, managed }) => ({
      id,
      status: managed.status,
      plugin: managed.plugin ?? null,
      vidPid: formatVidPid(managed.info.descriptor),
      product: managed.info.descriptor.product ?? null,
      manufacturer: managed.info.descriptor.manufacturer ?? null,
      problem: managed.error?.message ?? null,
    }));
    if (options.json) return printJson(rows);
    if (!rows.length) {
      console.log('no devices found (add --simulate for the virtual camera and scanner)');
      return;
    }
    for (const row of rows) {
      console.log(`${row.id.padEnd(28)} ${row.status.padEnd(12)} ${(row.plugin ?? '-').padEnd(6)} ${row.vidPid}  ${deviceName(row.manufacturer, row.product)}`.trimEnd());
      if (row.problem) console.log(`${''.padEnd(28)} ${row.problem}`);
    }
    // A snapshot of what is plugged in now: no need to follow hotplug.
  }, undefined, { hotplug: false });
}
