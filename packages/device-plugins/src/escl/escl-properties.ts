import {
  DUPLEX,
  E_INVALIDARG,
  FEEDER,
  FLATBED,
  TYMED_FILE,
  WIA_IPA_BYTES_PER_LINE,
  WIA_IPA_FILENAME_EXTENSION,
  WIA_IPA_NUMBER_OF_LINES,
  WIA_IPA_PIXELS_PER_LINE,
  WIA_IPA_FORMAT,
  WIA_IPA_PREFERRED_FORMAT,
  WIA_IPA_TYMED,
  WIA_IPS_DOCUMENT_HANDLING_SELECT,
  WIA_IPS_PAGES,
  WIA_IPS_XEXTENT,
  WIA_IPS_XPOS,
  WIA_IPS_XRES,
  WIA_IPS_YEXTENT,
  WIA_IPS_YPOS,
  WIA_IPS_YRES,
  WIA_PROP_READ,
  WIA_PROP_RW,
  WiaError,
  WiaImgFmt_JPEG,
  WiaImgFmt_PDFA,
  WiaImgFmt_PNG,
  WiaImgFmt_TIFF,
  type WiaPropertyStorage,
} from '@openwia/core';
import { defineColorProperties, scanColorModeOf, validateColorProperties } from './escl-color-properties.js';
import { defineIntentProperty, intentOf } from './escl-intent-property.js';
import type { EsclInputCaps } from './xml/capabilities.js';
import type { EsclImageInfo } from './xml/image-info.js';
import type { EsclScanSettings } from './xml/scan-settings.js';

/** What the driver keeps on a flatbed or feeder item. */
export interface EsclSourceContext {
  source: 'Platen' | 'Feeder';
  caps: EsclInputCaps;
  /** Feeder only: the duplex capabilities, when the feeder can scan both sides. */
  duplexCaps?: EsclInputCaps;
}

/** MIME type ↔ WIA format GUID and file extension. */
const FORMATS: ReadonlyArray<{ mime: string; guid: string; extension: string }> = [
  { mime: 'image/jpeg', guid: WiaImgFmt_JPEG, extension: 'jpg' },
  { mime: 'image/png', guid: WiaImgFmt_PNG, extension: 'png' },
  { mime: 'image/tiff', guid: WiaImgFmt_TIFF, extension: 'tif' },
  { mime: 'application/pdf', guid: WiaImgFmt_PDFA, extension: 'pdf' },
];

/** eSCL regions are in 1/300 inch. */
const ESCL_UNITS_PER_INCH = 300;

function pick<T>(values: readonly T[], preferred: T): T {
  return values.includes(preferred) ? preferred : values[0]!;
}

function toPixels(units: number, dpi: number): number {
  return Math.floor((units * dpi) / ESCL_UNITS_PER_INCH);
}

/** Defines the imaging properties of a flatbed or feeder item from its eSCL capabilities. */
export function defineSourceProperties(p: WiaPropertyStorage, context: EsclSourceContext): void {
  const { caps } = context;
  const resolution = pick(caps.resolutions, 300);
  const pairs = resolutionPairs(caps);
  const list = (values: number[]): { kind: 'list'; nominal: number; values: number[] } => ({ kind: 'list', nominal: resolution, values: [...new Set(values)].sort((a, b) => a - b) });
  p.define({ id: WIA_IPS_XRES, name: 'WIA_IPS_XRES', access: WIA_PROP_RW, value: resolution, valid: list(pairs.map((r) => r.x)) });
  p.define({ id: WIA_IPS_YRES, name: 'WIA_IPS_YRES', access: WIA_PROP_RW, value: resolution, valid: list(pairs.map((r) => r.y)) });

  defineColorProperties(p, caps);
  defineIntentProperty(p, caps);

  const formats = FORMATS.filter((f) => caps.documentFormats.includes(f.mime));
  if (formats.length === 0) throw new WiaError(E_INVALIDARG, `the scanner offers no format this driver knows (${caps.documentFormats.join(', ')})`);
  const format = formats[0]!;
  p.define({ id: WIA_IPA_FORMAT, name: 'WIA_IPA_FORMAT', access: WIA_PROP_RW, value: format.guid, valid: { kind: 'list', nominal: format.guid, values: formats.map((f) => f.guid) } });
  p.define({ id: WIA_IPA_PREFERRED_FORMAT, name: 'WIA_IPA_PREFERRED_FORMAT', access: WIA_PROP_READ, value: format.guid });
  p.define({ id: WIA_IPA_FILENAME_EXTENSION, name: 'WIA_IPA_FILENAME_EXTENSION', access: WIA_PROP_READ, value: format.extension });
  p.define({ id: WIA_IPA_TYMED, name: 'WIA_IPA_TYMED', access: WIA_PROP_READ, value: TYMED_FILE });
  defineRegion(p, caps, resolution, resolution);

  if (context.source === 'Feeder') {
    const bits = FEEDER | (context.duplexCaps ? DUPLEX : 0);
    p.define({ id: WIA_IPS_DOCUMENT_HANDLING_SELECT, name: 'WIA_IPS_DOCUMENT_HANDLING_SELECT', access: WIA_PROP_RW, value: FEEDER, valid: { kind: 'flag', nominal: FEEDER, bits } });
    p.define({ id: WIA_IPS_PAGES, name: 'WIA_IPS_PAGES', access: WIA_PROP_RW, value: 0, valid: { kind: 'range', min: 0, nominal: 0, max: 10_000, step: 1 } });
  } else {
    p.define({ id: WIA_IPS_DOCUMENT_HANDLING_SELECT, name: 'WIA_IPS_DOCUMENT_HANDLING_SELECT', access: WIA_PROP_READ, value: FLATBED });
  }
}

/** Every X×Y resolution the scanner lists: the square ones and the others (Kyocera/UTAX list 200×100, 200×400). */
function resolutionPairs(caps: EsclInputCaps): Array<{ x: number; y: number }> {
  return [...caps.resolutions.map((r) => ({ x: r, y: r })), ...caps.nonSquareResolutions];
}

/**
 * Keeps X and Y resolution a pair the scanner lists: the one the app changed
 * stays, the other follows (square when the scanner has it, else the first
 * listed partner). Throws `E_INVALIDARG` for a pair set together that is not listed.
 */
function pairResolutions(p: WiaPropertyStorage, caps: EsclInputCaps, changed: readonly number[]): void {
  const x = Number(p.value(WIA_IPS_XRES));
  const y = Number(p.value(WIA_IPS_YRES));
  const pairs = resolutionPairs(caps);
  if (pairs.some((r) => r.x === x && r.y === y)) return;
  if (changed.includes(WIA_IPS_XRES) && changed.includes(WIA_IPS_YRES)) throw new WiaError(E_INVALIDARG, `the scanner offers no ${x}×${y} dpi resolution`);
  if (changed.includes(WIA_IPS_YRES)) {
    const partner = pairs.find((r) => r.y === y && r.x === y) ?? pairs.find((r) => r.y === y)!;
    p.setByDriver(WIA_IPS_XRES, partner.x);
  } else {
    const partner = pairs.find((r) => r.x === x && r.y === x) ?? pairs.find((r) => r.x === x)!;
    p.setByDriver(WIA_IPS_YRES, partner.y);
  }
}

/** (Re)defines position and extent in pixels at `xDpi` × `yDpi`, keeping the current values where they still fit. */
function defineRegion(p: WiaPropertyStorage, caps: EsclInputCaps, xDpi: number, yDpi: number): void {
  const maxX = toPixels(caps.maxWidth, xDpi);
  const maxY = toPixels(caps.maxHeight, yDpi);
  const minX = Math.max(1, toPixels(caps.minWidth, xDpi));
  const minY = Math.max(1, toPixels(caps.minHeight, yDpi));
  const keep = (id: number, fallback: number, min: number, max: number): number => {
    const current = p.has(id) ? Number(p.value(id)) : fallback;
    return Math.min(Math.max(current, min), max);
  };
  const xExtent = p.has(WIA_IPS_XEXTENT) ? keep(WIA_IPS_XEXTENT, maxX, minX, maxX) : maxX;
  const yExtent = p.has(WIA_IPS_YEXTENT) ? keep(WIA_IPS_YEXTENT, maxY, minY, maxY) : maxY;
  const xPos = keep(WIA_IPS_XPOS, 0, 0, maxX - minX);
  const yPos = keep(WIA_IPS_YPOS, 0, 0, maxY - minY);
  p.define({ id: WIA_IPS_XPOS, name: 'WIA_IPS_XPOS', access: WIA_PROP_RW, value: xPos, valid: { kind: 'range', min: 0, nominal: 0, max: maxX - minX, step: 1 } });
  p.define({ id: WIA_IPS_YPOS, name: 'WIA_IPS_YPOS', access: WIA_PROP_RW, value: yPos, valid: { kind: 'range', min: 0, nominal: 0, max: maxY - minY, step: 1 } });
  p.define({ id: WIA_IPS_XEXTENT, name: 'WIA_IPS_XEXTENT', access: WIA_PROP_RW, value: xExtent, valid: { kind: 'range', min: minX, nominal: maxX, max: maxX, step: 1 } });
  p.define({ id: WIA_IPS_YEXTENT, name: 'WIA_IPS_YEXTENT', access: WIA_PROP_RW, value: yExtent, valid: { kind: 'range', min: minY, nominal: maxY, max: maxY, step: 1 } });
}

/**
 * Checks the item's properties together and updates the dependent ones
 * (depth from data type, extension from format, region ranges from
 * resolution). Throws `E_INVALIDARG` when they cannot go together.
 */
export function validateSourceProperties(p: WiaPropertyStorage, context: EsclSourceContext, changed: readonly number[]): void {
  pairResolutions(p, context.caps, changed);
  validateColorProperties(p, context.caps, changed);
  const format = FORMATS.find((f) => f.guid === p.value(WIA_IPA_FORMAT));
  if (format) p.setByDriver(WIA_IPA_FILENAME_EXTENSION, format.extension);
  if (changed.includes(WIA_IPS_XRES) || changed.includes(WIA_IPS_YRES)) defineRegion(p, context.caps, Number(p.value(WIA_IPS_XRES)), Number(p.value(WIA_IPS_YRES)));
  const select = Number(p.value(WIA_IPS_DOCUMENT_HANDLING_SELECT));
  if (context.source === 'Feeder' && (select & DUPLEX) !== 0 && !context.duplexCaps) throw new WiaError(E_INVALIDARG, 'this feeder cannot scan duplex');
}

/** The eSCL scan settings the item's properties ask for. */
export function scanSettingsOf(p: WiaPropertyStorage, context: EsclSourceContext): EsclScanSettings {
  const xDpi = Number(p.value(WIA_IPS_XRES));
  const yDpi = Number(p.value(WIA_IPS_YRES));
  const toUnits = (pixels: number, dpi: number): number => Math.round((pixels * ESCL_UNITS_PER_INCH) / dpi);
  const format = FORMATS.find((f) => f.guid === p.value(WIA_IPA_FORMAT)) ?? FORMATS[0]!;
  const duplex = context.source === 'Feeder' && (Number(p.value(WIA_IPS_DOCUMENT_HANDLING_SELECT)) & DUPLEX) !== 0;
  const intent = intentOf(p);
  const pages = context.source === 'Feeder' ? requestedPages(p) : 0;
  return {
    inputSource: context.source,
    duplex,
    colorMode: scanColorModeOf(p, context.caps),
    ...(intent !== undefined ? { intent } : {}),
    // A page count becomes ImagesToTransfer: a device that honours it feeds no sheet beyond the last one wanted.
    ...(pages > 0 ? { imagesToTransfer: pages } : {}),
    resolution: xDpi,
    ...(yDpi !== xDpi ? { yResolution: yDpi } : {}),
    documentFormat: format.mime,
    region: {
      x: toUnits(Number(p.value(WIA_IPS_XPOS)), xDpi),
      y: toUnits(Number(p.value(WIA_IPS_YPOS)), yDpi),
      width: Math.min(context.caps.maxWidth, toUnits(Number(p.value(WIA_IPS_XEXTENT)), xDpi)),
      height: Math.min(context.caps.maxHeight, toUnits(Number(p.value(WIA_IPS_YEXTENT)), yDpi)),
    },
  };
}

/** The number of pages the app asked for on a feeder item (0 = all). */
export function requestedPages(p: WiaPropertyStorage): number {
  return p.has(WIA_IPS_PAGES) ? Number(p.value(WIA_IPS_PAGES)) : 1;
}

/**
 * Records on the item what the scanner reported about the page it delivered
 * (`ScanImageInfo`): pixels per line, lines and bytes per line, read-only. A
 * feeder page shorter than the region asked for shows its real length here.
 */
export function defineImageInfo(p: WiaPropertyStorage, info: EsclImageInfo): void {
  p.define({ id: WIA_IPA_PIXELS_PER_LINE, name: 'WIA_IPA_PIXELS_PER_LINE', access: WIA_PROP_READ, value: info.width });
  p.define({ id: WIA_IPA_NUMBER_OF_LINES, name: 'WIA_IPA_NUMBER_OF_LINES', access: WIA_PROP_READ, value: info.height });
  if (info.bytesPerLine !== undefined) p.define({ id: WIA_IPA_BYTES_PER_LINE, name: 'WIA_IPA_BYTES_PER_LINE', access: WIA_PROP_READ, value: info.bytesPerLine });
}
