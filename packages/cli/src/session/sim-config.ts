import { readFile } from 'node:fs/promises';
import { E_INVALIDARG, WiaError } from '@openwia/core';
import { SIM_DEFAULTS, type SimConfig } from './sim-config-defaults.js';

export { SIM_DEFAULTS, type CameraConfig, type ScannerConfig, type SimConfig, type SimSpeed } from './sim-config-defaults.js';

/** Reads and validates a `--sim-config` file (a `WiaError`, `E_INVALIDARG`, naming every bad key); absent path = the defaults. */
export async function loadSimConfig(path: string | undefined): Promise<SimConfig> {
  if (!path) return structuredClone(SIM_DEFAULTS) as SimConfig;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw WiaError.from(err, E_INVALIDARG, `cannot read ${path}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw WiaError.from(err, E_INVALIDARG, `${path} is not JSON`);
  }
  // The schema (zod) only for a file: --simulate alone does not load it.
  const { parseSimConfig } = await import('./sim-config-schema.js');
  return parseSimConfig(json, path);
}
