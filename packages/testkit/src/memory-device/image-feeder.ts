import {
  FEEDER,
  TYMED_FILE,
  WIA_CATEGORY_FEEDER,
  WIA_DATA_COLOR,
  WIA_DATA_GRAYSCALE,
  WIA_IPA_DATATYPE,
  WIA_IPA_DEPTH,
  WIA_IPA_FORMAT,
  WIA_IPA_TYMED,
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
import { renderPage } from '../virtual-scanner/page-renderer.js';
import { MemoryMiniDriver, type MemoryDeviceOptions } from './memory-device.js';

/** The page an image feeder holds: US Letter at 100 dpi. */
export const IMAGE_FEEDER_PAGE = { dpi: 100, widthPx: 850, heightPx: 1100 } as const;

/** Options of an {@link ImageFeederDriver}: a memory device, plus the colour modes it offers. */
export interface ImageFeederOptions extends MemoryDeviceOptions {
  /** `WIA_IPA_DATATYPE` values offered (default grayscale and colour; the pages are colour PNGs either way). */
  dataTypes?: number[];
}

/**
 * A feeder that is not an eSCL device: the in-memory plugin holding PNG pages,
 * with the imaging properties a WIA scanner driver defines (resolution, data
 * type, format, extents, document handling). It stands for any plugin's
 * feeder, e.g. for serving it as an eSCL scanner.
 */
export class ImageFeederDriver extends MemoryMiniDriver {
  constructor(private readonly feederOptions: ImageFeederOptions) {
    super(feederOptions);
  }

  protected override async initItemProperties(item: WiaDrvItem): Promise<void> {
    if (item.category !== WIA_CATEGORY_FEEDER) return;
    const { dpi, widthPx, heightPx } = IMAGE_FEEDER_PAGE;
    const dataTypes = this.feederOptions.dataTypes ?? [WIA_DATA_GRAYSCALE, WIA_DATA_COLOR];
    const list = <T extends number | string>(value: T, values: T[]) => ({ kind: 'list' as const, nominal: value, values });
    const p = item.properties;
    p.define({ id: WIA_IPS_XRES, name: 'WIA_IPS_XRES', access: WIA_PROP_RW, value: dpi, valid: list(dpi, [dpi]) });
    p.define({ id: WIA_IPS_YRES, name: 'WIA_IPS_YRES', access: WIA_PROP_RW, value: dpi, valid: list(dpi, [dpi]) });
    p.define({ id: WIA_IPA_DATATYPE, name: 'WIA_IPA_DATATYPE', access: WIA_PROP_RW, value: WIA_DATA_COLOR, valid: list(WIA_DATA_COLOR, dataTypes) });
    p.define({ id: WIA_IPA_DEPTH, name: 'WIA_IPA_DEPTH', access: WIA_PROP_READ, value: 24 });
    p.define({ id: WIA_IPA_FORMAT, name: 'WIA_IPA_FORMAT', access: WIA_PROP_RW, value: WiaImgFmt_PNG, valid: list(WiaImgFmt_PNG, [WiaImgFmt_PNG]) });
    p.define({ id: WIA_IPA_TYMED, name: 'WIA_IPA_TYMED', access: WIA_PROP_READ, value: TYMED_FILE });
    p.define({ id: WIA_IPS_XEXTENT, name: 'WIA_IPS_XEXTENT', access: WIA_PROP_READ, value: widthPx });
    p.define({ id: WIA_IPS_YEXTENT, name: 'WIA_IPS_YEXTENT', access: WIA_PROP_READ, value: heightPx });
    p.define({ id: WIA_IPS_DOCUMENT_HANDLING_SELECT, name: 'WIA_IPS_DOCUMENT_HANDLING_SELECT', access: WIA_PROP_RW, value: FEEDER, valid: { kind: 'flag', nominal: FEEDER, bits: FEEDER } });
  }
}

const rendered = new Map<number, Buffer>();

/** Page `n` of an image feeder, a numbered test page (rendered once per process: encoding takes a moment). */
export function imageFeederPage(n: number): Buffer {
  let page = rendered.get(n);
  if (!page) {
    page = renderPage({ pageNumber: n, widthPx: IMAGE_FEEDER_PAGE.widthPx, heightPx: IMAGE_FEEDER_PAGE.heightPx, colorMode: 'RGB24', format: 'image/png' });
    rendered.set(n, page);
  }
  return page;
}

/** `count` numbered PNG pages, `Page1`…, for an image feeder's `items`. */
export function imageFeederPages(count: number): Array<{ name: string; data: Uint8Array }> {
  return Array.from({ length: count }, (_, n) => ({ name: `Page${n + 1}`, data: imageFeederPage(n + 1) }));
}

/** Opens an image feeder as a `WiaDevice` (default: three pages), with its driver for the test to inspect. */
export async function openImageFeeder(options: Partial<ImageFeederOptions> = {}, deviceId = 'sim:feeder'): Promise<{ device: WiaDevice; driver: ImageFeederDriver }> {
  const driver = new ImageFeederDriver({ items: imageFeederPages(3), folderName: 'Feeder', feeder: true, ...options });
  return { device: await WiaDevice.open(driver, { deviceId }), driver };
}
