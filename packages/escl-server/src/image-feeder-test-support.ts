import {
  FEEDER,
  WIA_CATEGORY_FEEDER,
  WIA_DATA_COLOR,
  WIA_DATA_GRAYSCALE,
  WIA_IPA_DATATYPE,
  WIA_IPA_FORMAT,
  WIA_IPS_DOCUMENT_HANDLING_SELECT,
  WIA_IPS_XEXTENT,
  WIA_IPS_XRES,
  WIA_IPS_YEXTENT,
  WIA_IPS_YRES,
  WIA_PROP_READ,
  WIA_PROP_RW,
  WiaDevice,
  WiaImgFmt_PNG,
  type WiaDrvItem,
} from '@openwia/core';
import { MemoryMiniDriver, renderPage, type MemoryDeviceOptions } from '@openwia/testkit';

/** Page geometry of the test feeder. */
export const TEST_PAGE = { dpi: 100, widthPx: 850, heightPx: 1100 } as const;

/** The in-memory feeder with the imaging properties of a scanner driver: a non-eSCL device to serve. */
export class ImageFeederDriver extends MemoryMiniDriver {
  protected override async initItemProperties(item: WiaDrvItem): Promise<void> {
    if (item.category !== WIA_CATEGORY_FEEDER) return;
    const { dpi, widthPx, heightPx } = TEST_PAGE;
    const p = item.properties;
    const list = <T extends number | string>(value: T, values: T[]) => ({ kind: 'list' as const, nominal: value, values });
    p.define({ id: WIA_IPS_XRES, name: 'WIA_IPS_XRES', access: WIA_PROP_RW, value: dpi, valid: list(dpi, [dpi]) });
    p.define({ id: WIA_IPS_YRES, name: 'WIA_IPS_YRES', access: WIA_PROP_RW, value: dpi, valid: list(dpi, [dpi]) });
    p.define({ id: WIA_IPA_DATATYPE, name: 'WIA_IPA_DATATYPE', access: WIA_PROP_RW, value: WIA_DATA_COLOR, valid: list(WIA_DATA_COLOR, [WIA_DATA_GRAYSCALE, WIA_DATA_COLOR]) });
    p.define({ id: WIA_IPA_FORMAT, name: 'WIA_IPA_FORMAT', access: WIA_PROP_RW, value: WiaImgFmt_PNG, valid: list(WiaImgFmt_PNG, [WiaImgFmt_PNG]) });
    p.define({ id: WIA_IPS_XEXTENT, name: 'WIA_IPS_XEXTENT', access: WIA_PROP_READ, value: widthPx });
    p.define({ id: WIA_IPS_YEXTENT, name: 'WIA_IPS_YEXTENT', access: WIA_PROP_READ, value: heightPx });
    p.define({ id: WIA_IPS_DOCUMENT_HANDLING_SELECT, name: 'WIA_IPS_DOCUMENT_HANDLING_SELECT', access: WIA_PROP_RW, value: FEEDER, valid: { kind: 'flag', nominal: FEEDER, bits: FEEDER } });
  }
}

/** PNG pages of the test page size, numbered from 1. */
export function pngPages(count: number): Array<{ name: string; data: Uint8Array }> {
  return Array.from({ length: count }, (_, n) => ({ name: `Page${n + 1}`, data: pngPage(n + 1) }));
}

const rendered = new Map<number, Buffer>();

/** Page `n` of the test feeder (rendered once per process: encoding takes a moment). */
export function pngPage(n: number): Buffer {
  let page = rendered.get(n);
  if (!page) {
    page = renderPage({ pageNumber: n, widthPx: TEST_PAGE.widthPx, heightPx: TEST_PAGE.heightPx, colorMode: 'RGB24', format: 'image/png' });
    rendered.set(n, page);
  }
  return page;
}

/** Opens a served-able feeder device over the given memory-device options (items default to 3 PNG pages). */
export async function openImageFeeder(options: Partial<MemoryDeviceOptions> = {}, deviceId = 'test:feeder'): Promise<{ device: WiaDevice; driver: ImageFeederDriver }> {
  const driver = new ImageFeederDriver({ items: pngPages(3), folderName: 'Feeder', feeder: true, ...options });
  return { device: await WiaDevice.open(driver, { deviceId }), driver };
}
