import { EsclXmlError, child, children, integer, parseEsclXml, text, texts, type XmlNode } from './safe-xml.js';

/** eSCL color modes this driver scans in. */
export type EsclColorMode = 'BlackAndWhite1' | 'Grayscale8' | 'Grayscale16' | 'RGB24' | 'RGB48';
const COLOR_MODES: readonly EsclColorMode[] = ['BlackAndWhite1', 'Grayscale8', 'Grayscale16', 'RGB24', 'RGB48'];
/** Other color modes real devices list, kept so that an app can see them (`scan:` prefixes dropped). */
const OTHER_COLOR_MODES: readonly string[] = ['AutoColorDetection', 'CMYK32', 'CMYK64'];

/** What one input source (platen, feeder simplex/duplex) can do. */
export interface EsclInputCaps {
  /** Scan area limits in 1/300 inch. */
  minWidth: number;
  maxWidth: number;
  minHeight: number;
  maxHeight: number;
  colorModes: EsclColorMode[];
  /** MIME types, e.g. `image/jpeg`. */
  documentFormats: string[];
  /** Supported resolutions in dpi (same in X and Y), ascending. */
  resolutions: number[];
  /** Listed modes outside {@link EsclColorMode} (e.g. `AutoColorDetection`). */
  otherColorModes: string[];
  /** Listed resolution pairs whose X and Y differ (Kyocera/UTAX list 200×100, 200×400); not offered. */
  nonSquareResolutions: Array<{ x: number; y: number }>;
  /** `scan:SupportedIntents` (`Document`, `TextAndGraphic`, `Photo`, `Preview`, `Object`, `BusinessCard`…), when listed. */
  intents: string[];
  /**
   * The `ColorMode` text that asks for automatic colour detection, spelled as
   * the device lists it (HP: `scan:AutoColorDetection`); absent when not offered.
   * Sent back verbatim in `ScanSettings`, since firmware matches the string.
   */
  autoColorDetection?: string;
}

/** A device's `ScannerCapabilities`. */
export interface EsclCapabilities {
  version: string;
  makeAndModel: string;
  serialNumber?: string;
  platen?: EsclInputCaps;
  adfSimplex?: EsclInputCaps;
  adfDuplex?: EsclInputCaps;
  feederCapacity?: number;
}

/** Resolutions of a range that are worth offering: the common ones inside it. */
const COMMON_RESOLUTIONS = [75, 100, 150, 200, 240, 300, 400, 600, 1200, 2400, 4800];

/** Parses a `scan:ScannerCapabilities` document; throws {@link EsclXmlError} on malformed input. */
export function parseCapabilities(body: Uint8Array | string): EsclCapabilities {
  const root = parseEsclXml(body, 'ScannerCapabilities');
  const caps: EsclCapabilities = {
    version: text(root, 'Version') ?? '2.0',
    makeAndModel: text(root, 'MakeAndModel') ?? 'eSCL scanner',
  };
  const serial = text(root, 'SerialNumber');
  if (serial !== undefined) caps.serialNumber = serial;
  const platen = child(child(root, 'Platen'), 'PlatenInputCaps');
  if (platen) caps.platen = parseInputCaps(platen, 'Platen');
  const adf = child(root, 'Adf');
  if (adf) {
    const simplex = child(adf, 'AdfSimplexInputCaps');
    const duplex = child(adf, 'AdfDuplexInputCaps');
    if (simplex) caps.adfSimplex = parseInputCaps(simplex, 'AdfSimplex');
    if (duplex) caps.adfDuplex = parseInputCaps(duplex, 'AdfDuplex');
    const capacity = integer(adf, 'FeederCapacity', 0, 100_000);
    if (capacity !== undefined) caps.feederCapacity = capacity;
  }
  if (!caps.platen && !caps.adfSimplex) throw new EsclXmlError('ScannerCapabilities lists neither a platen nor a feeder');
  return caps;
}

function parseInputCaps(node: XmlNode, source: string): EsclInputCaps {
  // Bridges such as AirSane publish MinWidth/MinHeight 0 ("no minimum"); a maximum must be positive.
  const dimension = (name: string): number => {
    const n = integer(node, name, name.startsWith('Min') ? 0 : 1, 1_000_000);
    if (n === undefined) throw new EsclXmlError(`${source} has no ${name}`);
    return n;
  };
  const caps: EsclInputCaps = {
    minWidth: dimension('MinWidth'),
    maxWidth: dimension('MaxWidth'),
    minHeight: dimension('MinHeight'),
    maxHeight: dimension('MaxHeight'),
    colorModes: [],
    documentFormats: [],
    resolutions: [],
    otherColorModes: [],
    nonSquareResolutions: [],
    intents: parseIntents(child(node, 'SupportedIntents')),
  };
  if (caps.minWidth > caps.maxWidth || caps.minHeight > caps.maxHeight) throw new EsclXmlError(`${source} has a minimum size above its maximum`);
  const modes = new Set<string>();
  const formats = new Set<string>();
  const resolutions = new Set<number>();
  const nonSquare = new Map<string, { x: number; y: number }>();
  for (const profile of children(child(node, 'SettingProfiles'), 'SettingProfile')) {
    // HP writes `scan:AutoColorDetection` as the text of a ColorMode: drop a prefix there too.
    for (const listed of texts(child(profile, 'ColorModes'), 'ColorMode')) {
      const mode = listed.replace(/^[a-z]+:/i, '');
      modes.add(mode);
      if (mode === 'AutoColorDetection') caps.autoColorDetection ??= listed;
    }
    const formatList = child(profile, 'DocumentFormats');
    for (const format of [...texts(formatList, 'DocumentFormat'), ...texts(formatList, 'DocumentFormatExt')]) {
      if (/^[a-z]+\/[a-z0-9.+-]{1,60}$/i.test(format)) formats.add(format.toLowerCase());
    }
    const listed = parseResolutions(child(profile, 'SupportedResolutions'));
    for (const r of listed.square) resolutions.add(r);
    for (const pair of listed.nonSquare) nonSquare.set(`${pair.x}x${pair.y}`, pair);
  }
  caps.colorModes = COLOR_MODES.filter((m) => modes.has(m));
  caps.otherColorModes = OTHER_COLOR_MODES.filter((m) => modes.has(m));
  caps.nonSquareResolutions = [...nonSquare.values()];
  caps.documentFormats = [...formats];
  caps.resolutions = [...resolutions].sort((a, b) => a - b);
  if (caps.colorModes.length === 0) throw new EsclXmlError(`${source} lists no color mode this driver knows`);
  if (caps.documentFormats.length === 0) throw new EsclXmlError(`${source} lists no document format`);
  if (caps.resolutions.length === 0) throw new EsclXmlError(`${source} lists no resolution`);
  return caps;
}

/** An intent name as devices write them (letters only); anything else is dropped, not fatal. */
const INTENT_NAME = /^[A-Za-z]{1,40}$/;

/** `scan:SupportedIntents`: HP writes `<Intent>`, Kyocera `<SupportedIntent>`; duplicates and odd names dropped. */
function parseIntents(node: XmlNode | undefined): string[] {
  const listed = [...texts(node, 'Intent'), ...texts(node, 'SupportedIntent')].map((i) => i.replace(/^[a-z]+:/i, ''));
  return [...new Set(listed.filter((i) => INTENT_NAME.test(i)))];
}

function parseResolutions(node: XmlNode | undefined): { square: number[]; nonSquare: Array<{ x: number; y: number }> } {
  const found: number[] = [];
  const nonSquare: Array<{ x: number; y: number }> = [];
  for (const discrete of children(child(node, 'DiscreteResolutions'), 'DiscreteResolution')) {
    const x = integer(discrete, 'XResolution', 1, 100_000);
    const y = integer(discrete, 'YResolution', 1, 100_000);
    // WIA keeps X and Y lists apart, but scanners pair them; offer the square ones, keep the others on record.
    if (x !== undefined && x === y) found.push(x);
    else if (x !== undefined && y !== undefined) nonSquare.push({ x, y });
  }
  const range = child(child(node, 'ResolutionRange'), 'XResolutionRange');
  if (range) {
    const min = integer(range, 'Min', 1, 100_000) ?? 0;
    const max = integer(range, 'Max', 1, 100_000) ?? 0;
    found.push(...COMMON_RESOLUTIONS.filter((r) => r >= min && r <= max));
  }
  return { square: found, nonSquare };
}
