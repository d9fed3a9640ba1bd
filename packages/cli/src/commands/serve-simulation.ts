import {
  FEEDER,
  TYMED_FILE,
  WIA_CATEGORY_FEEDER,
  WIA_DATA_COLOR,
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
import { MemoryMiniDriver, renderPage } from '@openwia/testkit';

/** The page the simulated image feeder holds: US Letter at 100 dpi. */
export const IMAGE_FEEDER_PAGE = { dpi: 100, widthPx: 850, heightPx: 1100 } as const;

/**
 * A feeder that is not an eSCL device: the testkit's in-memory plugin holding
 * PNG pages, with the imaging properties a WIA scanner driver defines. It
 * shows that `openwia serve` serves any plugin's flatbed or feeder, not only
 * eSCL scanners (whose properties come from eSCL in the first place).
 */
class ImageFeederDriver extends MemoryMiniDriver {
  protected override async initItemProperties(item: WiaDrvItem): Promise<void> {
    if (item.category !== WIA_CATEGORY_FEEDER) return;
    const { dpi, widthPx, heightPx } = IMAGE_FEEDER_PAGE;
    const p = item.properties;
    p.define({ id: WIA_IPS_XRES, name: 'WIA_IPS_XRES', access: WIA_PROP_RW, value: dpi, valid: { kind: 'list', nominal: dpi, values: [dpi] } });
    p.define({ id: WIA_IPS_YRES, name: 'WIA_IPS_YRES', access: WIA_PROP_RW, value: dpi, valid: { kind: 'list', nominal: dpi, values: [dpi] } });
    p.define({ id: WIA_IPA_DATATYPE, name: 'WIA_IPA_DATATYPE', access: WIA_PROP_RW, value: WIA_DATA_COLOR, valid: { kind: 'list', nominal: WIA_DATA_COLOR, values: [WIA_DATA_COLOR] } });
    p.define({ id: WIA_IPA_DEPTH, name: 'WIA_IPA_DEPTH', access: WIA_PROP_READ, value: 24 });
    p.define({ id: WIA_IPA_FORMAT, name: 'WIA_IPA_FORMAT', access: WIA_PROP_RW, value: WiaImgFmt_PNG, valid: { kind: 'list', nominal: WiaImgFmt_PNG, values: [WiaImgFmt_PNG] } });
    p.define({ id: WIA_IPA_TYMED, name: 'WIA_IPA_TYMED', access: WIA_PROP_READ, value: TYMED_FILE });
    p.define({ id: WIA_IPS_XEXTENT, name: 'WIA_IPS_XEXTENT', access: WIA_PROP_READ, value: widthPx });
    p.define({ id: WIA_IPS_YEXTENT, name: 'WIA_IPS_YEXTENT', access: WIA_PROP_READ, value: heightPx });
    p.define({ id: WIA_IPS_DOCUMENT_HANDLING_SELECT, name: 'WIA_IPS_DOCUMENT_HANDLING_SELECT', access: WIA_PROP_RW, value: FEEDER, valid: { kind: 'flag', nominal: FEEDER, bits: FEEDER } });
  }
}

/** Options of {@link openImageFeeder}. */
export interface ImageFeederOptions {
  pages: number;
  /** Milliseconds each read of at most `chunkSize` bytes takes. */
  readDelayMs?: number;
  chunkSize?: number;
}

/** Opens the simulated non-eSCL feeder `sim:feeder` with numbered PNG pages. */
export async function openImageFeeder(options: ImageFeederOptions): Promise<WiaDevice> {
  const { widthPx, heightPx } = IMAGE_FEEDER_PAGE;
  const items = Array.from({ length: options.pages }, (_, n) => ({
    name: `Page${n + 1}`,
    data: renderPage({ pageNumber: n + 1, widthPx, heightPx, colorMode: 'RGB24', format: 'image/png' }),
  }));
  const driver = new ImageFeederDriver({
    items,
    folderName: 'Feeder',
    feeder: true,
    chunkSize: options.chunkSize ?? 16 * 1024,
    readDelay: options.readDelayMs ?? 1,
  });
  return WiaDevice.open(driver, { deviceId: 'sim:feeder' });
}
