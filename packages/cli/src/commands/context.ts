import { DeviceCatalog } from '../session/device-catalog.js';
import { loadSimConfig } from '../session/sim-config.js';

/** Options every device command takes. */
export interface GlobalOptions {
  simulate?: boolean;
  simConfig?: string;
  usb?: boolean;
  json?: boolean;
}

/** Opens the devices for one command and always closes them. */
export async function withCatalog<T>(options: GlobalOptions, work: (catalog: DeviceCatalog) => Promise<T>): Promise<T> {
  const simConfig = await loadSimConfig(options.simConfig);
  const catalog = await DeviceCatalog.open({
    simulate: options.simulate === true || options.simConfig !== undefined,
    simConfig,
    usb: options.usb !== false,
    warn: (line) => process.stderr.write(`openwia: ${line}\n`),
  });
  try {
    return await work(catalog);
  } finally {
    await catalog.close();
  }
}

/** Prints a value as the single JSON document of a `--json` command. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
