// The --sim-config schema: loaded only to check a file, since zod is a good part of a
// simulated command's start-up. Its defaults are SIM_DEFAULTS, and its type is SimConfig.
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { E_INVALIDARG, WiaError } from '@openwia/core';
import { SIM_DEFAULTS, type SimConfig } from './sim-config-defaults.js';

// zod/mini: the same checks as zod's classic API, but only the pieces used get bundled (a fifth of
// the code to load); its messages come from the English locale, as the classic API's do.
z.config(en());

const camera = SIM_DEFAULTS.camera;
const scanner = SIM_DEFAULTS.scanner;

/** An integer in [min, max]. */
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.int().check(z.minimum(min), z.maximum(max));
/** USB timing: unlimited, usb2 (40 MB/s high speed) or usb1 (1 MB/s full speed). */
const speed = z.enum(['unlimited', 'usb2', 'usb1']);
const byteCount = int(0, 2 ** 40);

/** `camera` in a `--sim-config` file: the virtual PTP camera (`sim:camera`); docs/cli.md describes every key. */
export const cameraConfigSchema = z.strictObject({
  photos: z._default(int(0, 500), camera.photos),
  photoWidth: z._default(int(16, 8192), camera.photoWidth),
  photoHeight: z._default(int(16, 8192), camera.photoHeight),
  largeObjects: z._default(z.array(z.strictObject({ name: z.string().check(z.minLength(1), z.maxLength(255)), size: byteCount })), () => [...camera.largeObjects]),
  speed: z._default(speed, camera.speed),
  hostileObjects: z._default(z.boolean(), camera.hostileObjects),
  tangledFolders: z._default(z.boolean(), camera.tangledFolders),
  unplugAtByte: z.optional(byteCount),
  newPhotoEveryMs: z.optional(int(10)),
});

/** `scanner` in a `--sim-config` file: the virtual eSCL scanner with a feeder (`sim:scanner`). */
export const scannerConfigSchema = z.strictObject({
  pages: z._default(int(0, 500), scanner.pages),
  speed: z._default(speed, scanner.speed),
  scanDelayMs: z._default(int(0, 60_000), scanner.scanDelayMs),
  format: z._default(z.enum(['image/jpeg', 'image/png']), scanner.format),
  resolution: z._default(int(75, 600), scanner.resolution),
  duplex: z._default(z.boolean(), scanner.duplex),
  jamAtPage: z.optional(int(1)),
  coverOpen: z._default(z.boolean(), scanner.coverOpen),
  unplugAtByte: z.optional(byteCount),
});

/** A `--sim-config` file. */
export const simConfigSchema = z.strictObject({
  camera: z._default(cameraConfigSchema, () => cameraConfigSchema.parse({})),
  scanner: z._default(scannerConfigSchema, () => scannerConfigSchema.parse({})),
});

// The schema gives exactly the hand-written types: a key added to one but not the other fails the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaGivesSimConfig: Same<z.infer<typeof simConfigSchema>, SimConfig> = true;
void schemaGivesSimConfig;

/** Validates a parsed config; a `WiaError` (`E_INVALIDARG`) naming every bad key. */
export function parseSimConfig(value: unknown, source = 'the simulation config'): SimConfig {
  const parsed = simConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  throw new WiaError(E_INVALIDARG, `${source} is not valid:\n  ${problems.join('\n  ')}`);
}
