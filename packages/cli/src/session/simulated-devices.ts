import { createVirtualCamera, createVirtualScanner, SimulatedUsbBus, type SimulatedUsbDevice } from '@openwia/testkit';
import type { CameraConfig, ScannerConfig, SimConfig } from './sim-config.js';

/** The simulated devices `--simulate` adds, by the alias the CLI knows them by. */
export interface SimulatedDevices {
  bus: SimulatedUsbBus;
  /** `sim:camera` and `sim:scanner` → the simulated device. */
  byAlias: Map<string, SimulatedUsbDevice>;
  /** Stops what the simulation runs by itself (a camera taking photos). */
  stop(): void;
}

function startCamera(config: CameraConfig): { device: SimulatedUsbDevice; stop: () => void } {
  const camera = createVirtualCamera({
    photos: config.photos,
    photoSize: { width: config.photoWidth, height: config.photoHeight },
    largeObjects: config.largeObjects,
    hostileObjects: config.hostileObjects,
    tangledFolders: config.tangledFolders,
    usb: { speed: config.speed },
  });
  if (config.unplugAtByte !== undefined) camera.device.faults.unplugAfterBytes(config.unplugAtByte);
  let timer: NodeJS.Timeout | undefined;
  if (config.newPhotoEveryMs !== undefined) {
    timer = setInterval(() => camera.control.addPhoto(), config.newPhotoEveryMs);
    timer.unref();
  }
  return { device: camera.device, stop: () => clearInterval(timer) };
}

function startScanner(config: ScannerConfig): SimulatedUsbDevice {
  const scanner = createVirtualScanner({
    feederSheets: config.pages,
    duplex: config.duplex,
    scanDelayMs: config.scanDelayMs,
    formats: [config.format],
    resolutions: [config.resolution],
    usb: { speed: config.speed },
  });
  if (config.jamAtPage !== undefined) scanner.control.jamAtPage(config.jamAtPage);
  if (config.coverOpen) scanner.control.setCoverOpen(true);
  if (config.unplugAtByte !== undefined) scanner.device.faults.unplugAfterBytes(config.unplugAtByte);
  return scanner.device;
}

/** The aliases of the simulated devices, in the order `list` shows them. */
export const SIMULATED_ALIASES = ['sim:camera', 'sim:scanner'] as const;

/**
 * Builds the virtual camera and scanner and plugs them into a simulated bus: only the one
 * `only` names, when it names one of them (a command on `sim:scanner` does not need a camera).
 */
export function startSimulatedDevices(config: SimConfig, only?: string): SimulatedDevices {
  const bus = new SimulatedUsbBus();
  const wanted = SIMULATED_ALIASES.filter((alias) => !(SIMULATED_ALIASES as readonly string[]).includes(only ?? '') || alias === only);
  const camera = wanted.includes('sim:camera') ? startCamera(config.camera) : undefined;
  const byAlias = new Map<string, SimulatedUsbDevice>();
  if (camera) byAlias.set('sim:camera', camera.device);
  if (wanted.includes('sim:scanner')) byAlias.set('sim:scanner', startScanner(config.scanner));
  for (const device of byAlias.values()) bus.attach(device);
  return { bus, byAlias, stop: () => camera?.stop() };
}
