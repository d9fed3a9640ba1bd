import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { E_INVALIDARG, WiaError } from '@openwia/core';

const speed = z.enum(['unlimited', 'usb2', 'usb1']).describe('USB timing: unlimited, usb2 (40 MB/s high speed) or usb1 (1 MB/s full speed)');
const byteCount = z.number().int().min(0).max(2 ** 40);

/** `camera` in a `--sim-config` file: the virtual PTP camera (`sim:camera`). */
export const cameraConfigSchema = z
  .object({
    photos: z.number().int().min(0).max(500).default(5).describe('JPEG photos over two storages'),
    photoWidth: z.number().int().min(16).max(8192).default(640),
    photoHeight: z.number().int().min(16).max(8192).default(480),
    largeObjects: z
      .array(z.object({ name: z.string().min(1).max(255), size: byteCount }).strict())
      .default([])
      .describe('synthetic objects of the given size in bytes, e.g. a movie'),
    speed: speed.default('usb2'),
    hostileObjects: z.boolean().default(false).describe('objects with path tricks and absurd sizes in their metadata'),
    tangledFolders: z.boolean().default(false).describe('objects whose ParentObject lies: folders in a cycle, a self-parented folder, missing parents'),
    unplugAtByte: byteCount.optional().describe('unplug the camera after this many bytes have been read from it'),
    newPhotoEveryMs: z.number().int().min(10).optional().describe('the camera takes a new photo this often (seen by `watch`)'),
  })
  .strict();

/** `scanner` in a `--sim-config` file: the virtual eSCL scanner with a feeder (`sim:scanner`). */
export const scannerConfigSchema = z
  .object({
    pages: z.number().int().min(0).max(500).default(10).describe('sheets loaded in the feeder'),
    speed: speed.default('usb2'),
    scanDelayMs: z.number().int().min(0).max(60_000).default(0).describe('time each page takes to scan before its data flows'),
    format: z.enum(['image/jpeg', 'image/png']).default('image/jpeg'),
    resolution: z.number().int().min(75).max(600).default(150).describe('the one resolution (dpi) the scanner offers'),
    duplex: z.boolean().default(false),
    jamAtPage: z.number().int().min(1).optional().describe('the feeder jams at this page'),
    coverOpen: z.boolean().default(false),
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

export type CameraConfig = z.infer<typeof cameraConfigSchema>;
export type ScannerConfig = z.infer<typeof scannerConfigSchema>;
export type SimConfig = z.infer<typeof simConfigSchema>;

/** Validates a parsed config; a `WiaError` (`E_INVALIDARG`) naming every bad key. */
export function parseSimConfig(value: unknown, source = 'the simulation config'): SimConfig {
  const parsed = simConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  throw new WiaError(E_INVALIDARG, `${source} is not valid:\n  ${problems.join('\n  ')}`);
}

/** Reads and validates a `--sim-config` file; absent path = the defaults. */
export async function loadSimConfig(path: string | undefined): Promise<SimConfig> {
  if (!path) return parseSimConfig({});
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
  return parseSimConfig(json, path);
}
