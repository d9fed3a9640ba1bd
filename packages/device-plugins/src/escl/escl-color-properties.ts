import {
  E_INVALIDARG,
  WIA_DATA_AUTO,
  WIA_DATA_COLOR,
  WIA_DATA_GRAYSCALE,
  WIA_DATA_THRESHOLD,
  WIA_DEPTH_AUTO,
  WIA_IPA_DATATYPE,
  WIA_IPA_DEPTH,
  WIA_PROP_RW,
  WiaError,
  type WiaPropertyStorage,
} from '@openwia/core';
import type { EsclColorMode, EsclInputCaps } from './xml/capabilities.js';
import type { EsclScanColorMode } from './xml/scan-settings.js';

/** eSCL color mode ↔ WIA data type and depth (the first of a data type is its default depth). */
const COLOR_MODES: ReadonlyArray<{ mode: EsclColorMode; dataType: number; depth: number }> = [
  { mode: 'BlackAndWhite1', dataType: WIA_DATA_THRESHOLD, depth: 1 },
  { mode: 'Grayscale8', dataType: WIA_DATA_GRAYSCALE, depth: 8 },
  { mode: 'Grayscale16', dataType: WIA_DATA_GRAYSCALE, depth: 16 },
  { mode: 'RGB24', dataType: WIA_DATA_COLOR, depth: 24 },
  { mode: 'RGB48', dataType: WIA_DATA_COLOR, depth: 48 },
];

/** The depths the source offers for `dataType`, default first; `WIA_DATA_AUTO` has only `WIA_DEPTH_AUTO`. */
function depthsOf(caps: EsclInputCaps, dataType: number): number[] {
  if (dataType === WIA_DATA_AUTO) return caps.autoColorDetection !== undefined ? [WIA_DEPTH_AUTO] : [];
  return COLOR_MODES.filter((m) => caps.colorModes.includes(m.mode) && m.dataType === dataType).map((m) => m.depth);
}

/** (Re)defines WIA_IPA_DEPTH: read-write, listing the depths of the current data type. */
function defineDepth(p: WiaPropertyStorage, caps: EsclInputCaps, dataType: number, depth?: number): void {
  const depths = depthsOf(caps, dataType);
  const value = depth !== undefined && depths.includes(depth) ? depth : depths[0]!;
  p.define({ id: WIA_IPA_DEPTH, name: 'WIA_IPA_DEPTH', access: WIA_PROP_RW, value, valid: { kind: 'list', nominal: depths[0]!, values: depths } });
}

/**
 * Defines WIA_IPA_DATATYPE and WIA_IPA_DEPTH from the source's color modes.
 * A source that lists `AutoColorDetection` also offers `WIA_DATA_AUTO` (with
 * depth `WIA_DEPTH_AUTO`), the WIA 2.0 way of letting the device choose per page.
 */
export function defineColorProperties(p: WiaPropertyStorage, caps: EsclInputCaps): void {
  const modes = COLOR_MODES.filter((m) => caps.colorModes.includes(m.mode));
  const mode = modes.find((m) => m.mode === 'RGB24') ?? modes[0]!;
  const dataTypes = [...new Set(modes.map((m) => m.dataType)), ...(caps.autoColorDetection !== undefined ? [WIA_DATA_AUTO] : [])];
  p.define({ id: WIA_IPA_DATATYPE, name: 'WIA_IPA_DATATYPE', access: WIA_PROP_RW, value: mode.dataType, valid: { kind: 'list', nominal: mode.dataType, values: dataTypes } });
  defineDepth(p, caps, mode.dataType, mode.depth);
}

/** A new data type brings its own depths (default first); a depth asked for with it is kept when offered, else `E_INVALIDARG`. */
export function validateColorProperties(p: WiaPropertyStorage, caps: EsclInputCaps, changed: readonly number[]): void {
  if (!changed.includes(WIA_IPA_DATATYPE) && !changed.includes(WIA_IPA_DEPTH)) return;
  const dataType = Number(p.value(WIA_IPA_DATATYPE));
  const asked = changed.includes(WIA_IPA_DEPTH) ? Number(p.value(WIA_IPA_DEPTH)) : undefined;
  if (asked !== undefined && !depthsOf(caps, dataType).includes(asked)) {
    throw new WiaError(E_INVALIDARG, `the scanner offers no ${asked}-bit mode for data type ${dataType}`);
  }
  defineDepth(p, caps, dataType, asked);
}

/** The `ColorMode` the item's data type and depth ask for (automatic detection spelled as the device lists it). */
export function scanColorModeOf(p: WiaPropertyStorage, caps: EsclInputCaps): EsclScanColorMode {
  const dataType = Number(p.value(WIA_IPA_DATATYPE));
  if (dataType === WIA_DATA_AUTO && caps.autoColorDetection !== undefined) return caps.autoColorDetection === 'scan:AutoColorDetection' ? 'scan:AutoColorDetection' : 'AutoColorDetection';
  const depth = Number(p.value(WIA_IPA_DEPTH));
  const mode = COLOR_MODES.find((m) => m.dataType === dataType && m.depth === depth) ?? COLOR_MODES.find((m) => m.dataType === dataType) ?? COLOR_MODES[3]!;
  return mode.mode;
}
