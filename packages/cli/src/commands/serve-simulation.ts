import { WIA_DATA_COLOR, type WiaDevice } from '@openwia/core';
import { imageFeederPages, openImageFeeder as openTestkitImageFeeder } from '@openwia/testkit';

/** Options of {@link openImageFeeder}. */
export interface SimulatedFeederOptions {
  pages: number;
  /** Milliseconds each read of at most `chunkSize` bytes takes. */
  readDelayMs?: number;
  chunkSize?: number;
}

/**
 * Opens `sim:feeder`, a feeder that is not an eSCL device: the testkit's image
 * feeder with numbered PNG pages (colour only, as its pages are). It shows that
 * `openwia serve` serves any plugin's flatbed or feeder, not only eSCL
 * scanners (whose properties come from eSCL in the first place).
 */
export async function openImageFeeder(options: SimulatedFeederOptions): Promise<WiaDevice> {
  const { device } = await openTestkitImageFeeder(
    { items: imageFeederPages(options.pages), dataTypes: [WIA_DATA_COLOR], chunkSize: options.chunkSize ?? 16 * 1024, readDelay: options.readDelayMs ?? 1 },
    'sim:feeder',
  );
  return device;
}
