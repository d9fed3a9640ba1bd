import {
  DUPLEX,
  E_INVALIDARG,
  FEEDER,
  WIA_CATEGORY_FEEDER,
  WIA_CATEGORY_FLATBED,
  WIA_DATA_COLOR,
  WIA_DATA_GRAYSCALE,
  WIA_DATA_THRESHOLD,
  WIA_IPA_DATATYPE,
  WIA_IPA_FORMAT,
  WIA_IPS_DOCUMENT_HANDLING_SELECT,
  WIA_IPS_PAGES,
  WIA_IPS_XEXTENT,
  WIA_IPS_XPOS,
  WIA_IPS_XRES,
  WIA_IPS_YEXTENT,
  WIA_IPS_YPOS,
  WIA_IPS_YRES,
  WIA_PROP_WRITE,
  WiaError,
  WiaImgFmt_JPEG,
  WiaImgFmt_PDFA,
  WiaImgFmt_PNG,
  WiaImgFmt_TIFF,
  type WiaDevice,
  type WiaDrvItem,
  type WiaPropertyStorage,
  type WiaPropertyValue,
} from '@openwia/core';

/** eSCL lengths are in 1/300 inch. */
export const ESCL_UNITS_PER_INCH = 300;

/** eSCL color modes this server maps to WIA data types. */
export type EsclColorMode = 'BlackAndWhite1' | 'Grayscale8' | 'RGB24';

/** What one input source (platen, feeder) can do, in eSCL terms, generated from WIA properties. */
export interface SourceCapabilities {
  source: 'Platen' | 'Feeder';
  /** The WIA item behind the source. */
  item: WiaDrvItem;
  resolutions: number[];
  colorModes: EsclColorMode[];
  formats: string[];
  /** Scan area limits in 1/300 inch. */
  minWidth: number;
  maxWidth: number;
  minHeight: number;
  maxHeight: number;
  /** Feeder only: both sides can be scanned. */
  duplex: boolean;
}

/** What a client asks for in `POST ScanJobs`, already parsed. */
export interface RequestedScan {
  inputSource: 'Platen' | 'Feeder';
  duplex: boolean;
  colorMode: EsclColorMode;
  xResolution: number;
  yResolution: number;
  documentFormat: string;
  /** Region in 1/300 inch; absent = the whole area. */
  region?: { x: number; y: number; width: number; height: number };
  /** Feeder: `scan:ImagesToTransfer`, the pages wanted (absent or 0: all the feeder holds); becomes `WIA_IPS_PAGES`. */
  imagesToTransfer?: number;
}

const FORMATS: ReadonlyArray<{ mime: string; guid: string }> = [
  { mime: 'image/jpeg', guid: WiaImgFmt_JPEG },
  { mime: 'image/png', guid: WiaImgFmt_PNG },
  { mime: 'image/tiff', guid: WiaImgFmt_TIFF },
  { mime: 'application/pdf', guid: WiaImgFmt_PDFA },
];

const COLOR_MODES: ReadonlyArray<{ mode: EsclColorMode; dataType: number }> = [
  { mode: 'BlackAndWhite1', dataType: WIA_DATA_THRESHOLD },
  { mode: 'Grayscale8', dataType: WIA_DATA_GRAYSCALE },
  { mode: 'RGB24', dataType: WIA_DATA_COLOR },
];

/** The MIME type of a WIA format GUID, when eSCL knows it. */
export function mimeOfFormat(guid: WiaPropertyValue): string | undefined {
  return FORMATS.find((f) => f.guid === guid)?.mime;
}

/** Every value a property may take: its list, its range (bounded), or its current value. */
function validValues(p: WiaPropertyStorage, id: number): WiaPropertyValue[] {
  if (!p.has(id)) return [];
  const property = p.get(id);
  const valid = property.valid;
  if (valid.kind === 'list') return [...valid.values];
  if (valid.kind === 'range' && valid.step > 0 && (valid.max - valid.min) / valid.step <= 64) {
    const values: number[] = [];
    for (let v = valid.min; v <= valid.max; v += valid.step) values.push(v);
    return values;
  }
  if (valid.kind === 'range') return [valid.min, valid.nominal, valid.max];
  return [property.value];
}

function extentLimits(p: WiaPropertyStorage, id: number, dpi: number): { min: number; max: number } {
  const toUnits = (pixels: number): number => Math.floor((pixels * ESCL_UNITS_PER_INCH) / dpi);
  const property = p.get(id);
  if (property.valid.kind === 'range') return { min: Math.max(1, toUnits(property.valid.min)), max: toUnits(property.valid.max) };
  const value = Number(property.value);
  return { min: toUnits(value), max: toUnits(value) };
}

/**
 * The eSCL capabilities of a flatbed or feeder item, generated from its WIA
 * properties (resolutions, data types, formats, extents at the current
 * resolution, duplex bit of document handling). Returns `undefined` for an
 * item that is neither, or that lacks the imaging properties eSCL needs.
 */
export function sourceCapabilitiesOf(item: WiaDrvItem): SourceCapabilities | undefined {
  const source = item.category === WIA_CATEGORY_FLATBED ? 'Platen' : item.category === WIA_CATEGORY_FEEDER ? 'Feeder' : undefined;
  const p = item.properties;
  if (!source || !p.has(WIA_IPS_XRES) || !p.has(WIA_IPA_FORMAT) || !p.has(WIA_IPS_XEXTENT) || !p.has(WIA_IPS_YEXTENT)) return undefined;
  const resolutions = validValues(p, WIA_IPS_XRES).map(Number).filter((r) => Number.isInteger(r) && r > 0);
  const formats = validValues(p, WIA_IPA_FORMAT).map(mimeOfFormat).filter((m): m is string => m !== undefined);
  const dataTypes = p.has(WIA_IPA_DATATYPE) ? validValues(p, WIA_IPA_DATATYPE).map(Number) : [WIA_DATA_COLOR];
  const colorModes = COLOR_MODES.filter((m) => dataTypes.includes(m.dataType)).map((m) => m.mode);
  if (resolutions.length === 0 || formats.length === 0 || colorModes.length === 0) return undefined;
  const dpi = Number(p.value(WIA_IPS_XRES));
  const width = extentLimits(p, WIA_IPS_XEXTENT, dpi);
  const height = extentLimits(p, WIA_IPS_YEXTENT, dpi);
  const handling = p.has(WIA_IPS_DOCUMENT_HANDLING_SELECT) ? p.get(WIA_IPS_DOCUMENT_HANDLING_SELECT).valid : undefined;
  const duplex = source === 'Feeder' && handling?.kind === 'flag' && (handling.bits & DUPLEX) !== 0;
  return { source, item, resolutions, colorModes, formats, minWidth: width.min, maxWidth: width.max, minHeight: height.min, maxHeight: height.max, duplex };
}

/** Every eSCL source of a device: its flatbed and feeder items that carry imaging properties. */
export function sourcesOf(device: WiaDevice): SourceCapabilities[] {
  return device.items().map(sourceCapabilitiesOf).filter((s): s is SourceCapabilities => s !== undefined);
}

function isWritable(p: WiaPropertyStorage, id: number): boolean {
  return p.has(id) && (p.get(id).access & WIA_PROP_WRITE) !== 0;
}

/**
 * The WIA property writes that ask the item for a scan: resolution first (it
 * rescales the extents), then data type, format, region in pixels, duplex and
 * the page count (`ImagesToTransfer`, else all pages). Throws `E_INVALIDARG` for a request the source cannot do.
 */
export function propertyWritesFor(caps: SourceCapabilities, scan: RequestedScan): Array<Map<number, WiaPropertyValue>> {
  if (!caps.resolutions.includes(scan.xResolution) || scan.yResolution !== scan.xResolution) {
    throw new WiaError(E_INVALIDARG, `resolution ${scan.xResolution}x${scan.yResolution} is not offered (${caps.resolutions.join(', ')})`);
  }
  if (!caps.colorModes.includes(scan.colorMode)) throw new WiaError(E_INVALIDARG, `color mode ${scan.colorMode} is not offered`);
  const format = FORMATS.find((f) => f.mime === scan.documentFormat);
  if (!format || !caps.formats.includes(format.mime)) throw new WiaError(E_INVALIDARG, `document format ${scan.documentFormat} is not offered`);
  if (scan.duplex && !caps.duplex) throw new WiaError(E_INVALIDARG, 'this source cannot scan duplex');
  const p = caps.item.properties;
  const dpi = scan.xResolution;
  const resolution = new Map<number, WiaPropertyValue>();
  if (isWritable(p, WIA_IPS_XRES)) resolution.set(WIA_IPS_XRES, dpi);
  if (isWritable(p, WIA_IPS_YRES)) resolution.set(WIA_IPS_YRES, dpi);
  const rest = new Map<number, WiaPropertyValue>();
  const dataType = COLOR_MODES.find((m) => m.mode === scan.colorMode)!.dataType;
  if (isWritable(p, WIA_IPA_DATATYPE)) rest.set(WIA_IPA_DATATYPE, dataType);
  if (isWritable(p, WIA_IPA_FORMAT)) rest.set(WIA_IPA_FORMAT, format.guid);
  const region = scan.region ?? { x: 0, y: 0, width: caps.maxWidth, height: caps.maxHeight };
  const toPixels = (units: number): number => Math.floor((units * dpi) / ESCL_UNITS_PER_INCH);
  const width = Math.min(region.width, caps.maxWidth - region.x);
  const height = Math.min(region.height, caps.maxHeight - region.y);
  if (width < caps.minWidth || height < caps.minHeight || region.x < 0 || region.y < 0) {
    throw new WiaError(E_INVALIDARG, `region ${region.width}x${region.height}+${region.x}+${region.y} does not fit the ${caps.maxWidth}x${caps.maxHeight} area`);
  }
  if (isWritable(p, WIA_IPS_XPOS)) rest.set(WIA_IPS_XPOS, toPixels(region.x));
  if (isWritable(p, WIA_IPS_YPOS)) rest.set(WIA_IPS_YPOS, toPixels(region.y));
  if (isWritable(p, WIA_IPS_XEXTENT)) rest.set(WIA_IPS_XEXTENT, Math.max(1, toPixels(width)));
  if (isWritable(p, WIA_IPS_YEXTENT)) rest.set(WIA_IPS_YEXTENT, Math.max(1, toPixels(height)));
  if (caps.source === 'Feeder' && isWritable(p, WIA_IPS_DOCUMENT_HANDLING_SELECT)) rest.set(WIA_IPS_DOCUMENT_HANDLING_SELECT, FEEDER | (scan.duplex ? DUPLEX : 0));
  if (caps.source === 'Feeder' && isWritable(p, WIA_IPS_PAGES)) rest.set(WIA_IPS_PAGES, scan.imagesToTransfer ?? 0);
  return [resolution, rest].filter((m) => m.size > 0);
}
