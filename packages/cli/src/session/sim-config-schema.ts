// The --sim-config schema: loaded only to check a file, since zod is a good part of a
// simulated command's start-up. Its defaults are SIM_DEFAULTS, and its type is SimConfig.
import { z } from 'zod';
import { E_INVALIDARG, WiaError } from '@openwia/core';
import { SIM_DEFAULTS, type SimConfig } from './sim-config.js';

const camera = SIM_DEFAULTS.camera;
const scanner = SIM_DEFAULTS.scanner;

const speed = z.enum(['unlimited', 'usb2', 'usb1']).describe('USB timing: unlimited, usb2 (40 MB/s high speed) or usb1 (1 MB/s full speed)');
const byteCount = z.number().int().min(0).max(2 ** 40);

/** `camera` in a `--sim-config` file: the virtual PTP camera (`sim:camera`). */
export const cameraConfigSchema = z
  .object({
    photos: z.number().int().min(0).max(500).default(camera.photos).describe('JPEG photos over two storages'),
    photoWidth: z.number().int().min(16).max(8192).default(camera.photoWidth),
    photoHeight: z.number().int().min(16).max(8192).default(camera.photoHeight),
    largeObjects: z
      .array(z.object({ name: z.string().min(1).max(255), size: byteCount }).strict())
      .default(() => [...camera.largeObjects])
      .describe('synthetic objects of the given size in bytes, e.g. a movie'),
    speed: speed.default(camera.speed),
    hostileObjects: z.boolean().default(camera.hostileObjects).describe('objects with path tricks and absurd sizes in their metadata'),
    tangledFolders: z.boolean().default(camera.tangledFolders).describe('objects whose ParentObject lies: folders in a cycle, a self-parented folder, missing parents'),
    unplugAtByte: byteCount.optional().describe('unplug the camera after this many bytes have been read from it'),
    newPhotoEveryMs: z.number().int().min(10).optional().describe('the camera takes a new photo this often (seen by `watch`)'),
  })
  .strict();

/** `scanner` in a `--sim-config` file: the virtual eSCL scanner with a feeder (`sim:scanner`). */
export const scannerConfigSchema = z
  .object({
    pages: z.number().int().min(0).max(500).default(scanner.pages).describe('sheets loaded in the feeder'),
    speed: speed.default(scanner.speed),
    scanDelayMs: z.number().int().min(0).max(60_000).default(scanner.scanDelayMs).describe('time each page takes to scan before its data flows'),
    format: z.enum(['image/jpeg', 'image/png']).default(scanner.format),
    resolution: z.number().int().min(75).max(600).default(scanner.resolution).describe('the one resolution (dpi) the scanner offers'),
    duplex: z.boolean().default(scanner.duplex),
    jamAtPage: z.number().int().min(1).optional().describe('the feeder jams at this page'),
    coverOpen: z.boolean().default(scanner.coverOpen),
    unplugAtByte: byteCount.optional().describe('unplug the scanner after this many bytes have been read from it'),
  })
  .strict();

/** A `--sim-config` file. */
export const simConfigSchema = z
  .object({
    camera: cameraConfigSchema.default(cameraConfigSchema.parse({})),
    scanner: scannerConfigSchema.default(scannerConfigSchema.parse({})),
  })
  .strict();

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
