// What a --sim-config file holds, and what --simulate without one uses: shared by the loader and
// the schema (which is loaded only to check a file).

/** USB timing of a simulated device: unlimited, usb2 (40 MB/s high speed) or usb1 (1 MB/s full speed). */
export type SimSpeed = 'unlimited' | 'usb2' | 'usb1';

/** `camera` in a `--sim-config` file: the virtual PTP camera (`sim:camera`). Every key is described in docs/cli.md. */
export interface CameraConfig {
  photos: number;
  photoWidth: number;
  photoHeight: number;
  largeObjects: Array<{ name: string; size: number }>;
  speed: SimSpeed;
  hostileObjects: boolean;
  tangledFolders: boolean;
  unplugAtByte?: number | undefined;
  newPhotoEveryMs?: number | undefined;
}

/** `scanner` in a `--sim-config` file: the virtual eSCL scanner with a feeder (`sim:scanner`). */
export interface ScannerConfig {
  pages: number;
  speed: SimSpeed;
  scanDelayMs: number;
  format: 'image/jpeg' | 'image/png';
  resolution: number;
  duplex: boolean;
  jamAtPage?: number | undefined;
  coverOpen: boolean;
  unplugAtByte?: number | undefined;
}

/** A `--sim-config` file, every key filled in. */
export interface SimConfig {
  camera: CameraConfig;
  scanner: ScannerConfig;
}

/** What `--simulate` without a file uses, and what a file's missing keys become. */
export const SIM_DEFAULTS: Readonly<SimConfig> = Object.freeze({
  camera: Object.freeze({ photos: 5, photoWidth: 640, photoHeight: 480, largeObjects: [], speed: 'usb2', hostileObjects: false, tangledFolders: false }),
  scanner: Object.freeze({ pages: 10, speed: 'usb2', scanDelayMs: 0, format: 'image/jpeg', resolution: 150, duplex: false, coverOpen: false }),
} as const satisfies SimConfig);
