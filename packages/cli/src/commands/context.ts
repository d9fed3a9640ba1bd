import { DeviceCatalog } from '../session/device-catalog.js';

/** Options every device command takes. */
export interface GlobalOptions {
  simulate?: boolean;
  simConfig?: string;
  usb?: boolean;
  json?: boolean;
}

/**
 * The global options as they must be typed again for a suggested command to reach the same
 * devices: ` --sim-config FILE`, ` --simulate`, ` --no-usb`, or nothing.
 */
export function deviceFlags(options: GlobalOptions): string {
  const flags: string[] = [];
  if (options.simConfig !== undefined) flags.push(`--sim-config ${shellWord(options.simConfig)}`);
  else if (options.simulate) flags.push('--simulate');
  if (options.usb === false) flags.push('--no-usb');
  return flags.map((f) => ` ${f}`).join('');
}

/** A word as a POSIX shell reads it back: quoted only when it needs to be. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** What a command needs of its devices beyond {@link GlobalOptions}. */
export interface CatalogNeeds {
  /** Follow real USB hotplug (default true): `list` takes a snapshot and does without. */
  hotplug?: boolean;
}

/**
 * Opens the devices for one command and always closes them. `device` is the device the command
 * names, if any: of the simulated devices only that one is built.
 */
export async function withCatalog<T>(options: GlobalOptions, work: (catalog: DeviceCatalog) => Promise<T>, device?: string, needs: CatalogNeeds = {}): Promise<T> {
  const simulate = options.simulate === true || options.simConfig !== undefined;
  // The simulation (the testkit for its devices, zod for a --sim-config file) is loaded only when asked for.
  const simulation = simulate ? { config: await (await import('../session/sim-config.js')).loadSimConfig(options.simConfig), only: device } : undefined;
  const catalog = await DeviceCatalog.open({
    simulation,
    usb: options.usb !== false,
    warn: (line) => process.stderr.write(`openwia: ${line}\n`),
    flags: deviceFlags(options),
    hotplug: needs.hotplug ?? true,
    ...(device?.startsWith('escl:') ? { network: [device] } : {}),
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
