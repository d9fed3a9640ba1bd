/**
 * The non-eSCL device the server's tests serve: the testkit's image feeder
 * (an in-memory plugin with a WIA scanner's imaging properties and PNG pages).
 */
import { IMAGE_FEEDER_PAGE, ImageFeederDriver, imageFeederPage, imageFeederPages, openImageFeeder as openTestkitImageFeeder, type ImageFeederOptions } from '@openwia/testkit';
import type { WiaDevice } from '@openwia/core';

export { ImageFeederDriver };
/** Page geometry of the test feeder. */
export const TEST_PAGE = IMAGE_FEEDER_PAGE;
/** PNG pages of the test page size, numbered from 1. */
export const pngPages = imageFeederPages;
/** Page `n` of the test feeder. */
export const pngPage = imageFeederPage;

/** Opens a served-able feeder device over the given memory-device options (items default to 3 PNG pages). */
export function openImageFeeder(options: Partial<ImageFeederOptions> = {}, deviceId = 'test:feeder'): Promise<{ device: WiaDevice; driver: ImageFeederDriver }> {
  return openTestkitImageFeeder(options, deviceId);
}
