import type { Element } from '@xmldom/xmldom';

/**
 * The virtual scanner's own eSCL documents: written as firmware does, from
 * templates, and ScanSettings read with a namespace-aware DOM parser
 * (@xmldom/xmldom). Shares nothing with the plugin's codec on purpose.
 */

const SCAN_NS = 'http://schemas.hp.com/imaging/escl/2011/05/03';
const PWG_NS = 'http://www.pwg.org/schemas/2010/12/sm';
const HEAD = `<?xml version="1.0" encoding="UTF-8"?>`;
const NAMESPACES = `xmlns:scan="${SCAN_NS}" xmlns:pwg="${PWG_NS}"`;

/** Escapes text for XML content. */
export function xmlText(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One input source the virtual scanner offers. */
export interface VirtualInputCaps {
  maxWidth: number;
  maxHeight: number;
  resolutions: number[];
  /** X×Y resolutions listed beside the square ones (Kyocera/UTAX list 200×100, 200×400). */
  nonSquareResolutions?: Array<[number, number]>;
  colorModes: string[];
  formats: string[];
  /** Lists `scan:AutoColorDetection` among the color modes, as HP ScanJet Pro firmware spells it. */
  autoColorDetection?: boolean;
  /** `scan:SupportedIntents` (default Document, TextAndGraphic, Photo, Preview, what HP lists). */
  intents?: string[];
}

/** What real devices list in every profile, beside modes, formats and resolutions (HP captures in device-plugins/test-fixtures/escl). */
const CONTENT_TYPES = ['Photo', 'Text', 'TextAndPhoto'];
/** Intents listed when none are configured. */
export const DEFAULT_INTENTS: readonly string[] = ['Document', 'TextAndGraphic', 'Photo', 'Preview'];

/** The `ColorMode` texts that ask for automatic colour detection (HP's spelling and the bare one). */
export function isAutoColorMode(mode: string): boolean {
  return mode === 'scan:AutoColorDetection' || mode === 'AutoColorDetection';
}

function inputCaps(tag: string, caps: VirtualInputCaps): string {
  const listed = [...caps.colorModes, ...(caps.autoColorDetection ? ['scan:AutoColorDetection'] : [])];
  const modes = listed.map((m) => `<scan:ColorMode>${xmlText(m)}</scan:ColorMode>`).join('');
  const formats = caps.formats.map((f) => `<pwg:DocumentFormat>${xmlText(f)}</pwg:DocumentFormat>`).join('') + caps.formats.map((f) => `<scan:DocumentFormatExt>${xmlText(f)}</scan:DocumentFormatExt>`).join('');
  const resolutions = [...caps.resolutions.map((r): [number, number] => [r, r]), ...(caps.nonSquareResolutions ?? [])]
    .map(([x, y]) => `<scan:DiscreteResolution><scan:XResolution>${x}</scan:XResolution><scan:YResolution>${y}</scan:YResolution></scan:DiscreteResolution>`)
    .join('');
  const best = Math.max(...caps.resolutions);
  const feeder = tag.startsWith('Adf') ? `<scan:MinPageWidth>16</scan:MinPageWidth><scan:MinPageHeight>16</scan:MinPageHeight>` : '';
  return (
    `<scan:${tag}><scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>${caps.maxWidth}</scan:MaxWidth>` +
    `<scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>${caps.maxHeight}</scan:MaxHeight>${feeder}<scan:MaxScanRegions>1</scan:MaxScanRegions>` +
    `<scan:SettingProfiles><scan:SettingProfile><scan:ColorModes>${modes}</scan:ColorModes>` +
    `<scan:ContentTypes>${CONTENT_TYPES.map((t) => `<pwg:ContentType>${t}</pwg:ContentType>`).join('')}</scan:ContentTypes>` +
    `<scan:DocumentFormats>${formats}</scan:DocumentFormats>` +
    `<scan:SupportedResolutions><scan:DiscreteResolutions>${resolutions}</scan:DiscreteResolutions></scan:SupportedResolutions>` +
    `<scan:ColorSpaces><scan:ColorSpace>sRGB</scan:ColorSpace></scan:ColorSpaces>` +
    `</scan:SettingProfile></scan:SettingProfiles>` +
    `<scan:SupportedIntents>${(caps.intents ?? DEFAULT_INTENTS).map((i) => `<scan:Intent>${xmlText(i)}</scan:Intent>`).join('')}</scan:SupportedIntents>` +
    `<scan:MaxOpticalXResolution>${best}</scan:MaxOpticalXResolution><scan:MaxOpticalYResolution>${best}</scan:MaxOpticalYResolution></scan:${tag}>`
  );
}

/** `GET /eSCL/ScannerCapabilities`. */
export function capabilitiesXml(model: string, serial: string, caps: VirtualInputCaps, feeder: { duplex: boolean; capacity: number } | undefined): string {
  const adf = feeder
    ? `<scan:Adf>${inputCaps('AdfSimplexInputCaps', caps)}${feeder.duplex ? inputCaps('AdfDuplexInputCaps', caps) : ''}` +
      `<scan:FeederCapacity>${feeder.capacity}</scan:FeederCapacity><scan:AdfOptions><scan:AdfOption>DetectPaperLoaded</scan:AdfOption>` +
      `${feeder.duplex ? '<scan:AdfOption>Duplex</scan:AdfOption>' : ''}</scan:AdfOptions></scan:Adf>`
    : '';
  const uuid = `4f70656e-5749-4100-8000-${Buffer.from(serial).toString('hex').slice(0, 12).padEnd(12, '0')}`;
  return (
    `${HEAD}<scan:ScannerCapabilities ${NAMESPACES}><pwg:Version>2.63</pwg:Version>` +
    `<pwg:MakeAndModel>${xmlText(model)}</pwg:MakeAndModel><pwg:SerialNumber>${xmlText(serial)}</pwg:SerialNumber>` +
    `<scan:UUID>${uuid}</scan:UUID><scan:AdminURI>http://localhost/</scan:AdminURI><scan:IconURI>http://localhost/icon.png</scan:IconURI>` +
    `<scan:Platen>${inputCaps('PlatenInputCaps', caps)}</scan:Platen>${adf}</scan:ScannerCapabilities>`
  );
}

/** A job as `ScannerStatus` lists it. */
export interface VirtualJobStatus {
  uri: string;
  uuid: string;
  state: string;
  reason: string;
  imagesCompleted: number;
  /** Pages scanned and not yet fetched. */
  imagesToTransfer: number;
  /** Seconds since the job was created. */
  age: number;
}

/** `GET /eSCL/ScannerStatus`. */
export function statusXml(state: string, adfState: string | undefined, jobs: readonly VirtualJobStatus[]): string {
  const jobXml = jobs
    .map(
      (j) =>
        `<scan:JobInfo><pwg:JobUri>${xmlText(j.uri)}</pwg:JobUri><pwg:JobUuid>${xmlText(j.uuid)}</pwg:JobUuid>` +
        `<scan:Age>${j.age}</scan:Age><pwg:ImagesCompleted>${j.imagesCompleted}</pwg:ImagesCompleted><pwg:ImagesToTransfer>${j.imagesToTransfer}</pwg:ImagesToTransfer>` +
        `<pwg:JobState>${xmlText(j.state)}</pwg:JobState>` +
        `<pwg:JobStateReasons><pwg:JobStateReason>${xmlText(j.reason)}</pwg:JobStateReason></pwg:JobStateReasons></scan:JobInfo>`,
    )
    .join('');
  return (
    `${HEAD}<scan:ScannerStatus ${NAMESPACES}><pwg:Version>2.63</pwg:Version><pwg:State>${xmlText(state)}</pwg:State>` +
    `${adfState ? `<scan:AdfState>${xmlText(adfState)}</scan:AdfState>` : ''}<scan:Jobs>${jobXml}</scan:Jobs></scan:ScannerStatus>`
  );
}

/** What a `POST /eSCL/ScanJobs` body asks for. */
export interface ReceivedScanSettings {
  inputSource: string;
  duplex: boolean;
  colorMode: string;
  xResolution: number;
  yResolution: number;
  format: string;
  /** In 1/300 inch. */
  width: number;
  height: number;
  /** Where the region starts, in 1/300 inch (0 when not given). */
  xOffset: number;
  yOffset: number;
  /** `scan:Intent`, when given. */
  intent?: string;
  /** `scan:ImagesToTransfer`: the pages the job delivers before it completes, when given. */
  imagesToTransfer?: number;
}

/** Thrown for a ScanSettings body the scanner cannot use; the server answers 400. */
export class ScanSettingsError extends Error {}

function first(root: Element, ns: string, name: string): string | undefined {
  const found = root.getElementsByTagNameNS(ns, name).item(0);
  return found?.textContent?.trim() ?? undefined;
}

/** Parses a `scan:ScanSettings` body (namespace-aware; DTDs refused). */
export async function parseScanSettings(body: string): Promise<ReceivedScanSettings> {
  if (/<!DOCTYPE/i.test(body)) throw new ScanSettingsError('DTDs are not accepted');
  // Loaded by the first scan job: xmldom freezes its entity tables on load, which a scanner never asked to scan should not pay.
  // Through `default` (its module.exports): a CommonJS module's named exports are Node's guess, which a bundle does not make.
  const { DOMParser } = (await import('@xmldom/xmldom')).default;
  let root: Element | null;
  try {
    const document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new ScanSettingsError(message);
      },
    }).parseFromString(body, 'text/xml');
    root = document.documentElement;
  } catch (err) {
    throw new ScanSettingsError(err instanceof Error ? err.message : String(err));
  }
  if (!root || root.localName !== 'ScanSettings' || root.namespaceURI !== SCAN_NS) throw new ScanSettingsError('not a scan:ScanSettings document');
  const number = (value: string | undefined, name: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new ScanSettingsError(`${name} is missing or not a positive integer`);
    return n;
  };
  const offset = (value: string | undefined, name: string): number => {
    if (value === undefined) return 0;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new ScanSettingsError(`${name} is not a non-negative integer`);
    return n;
  };
  const format = first(root, PWG_NS, 'DocumentFormat') ?? first(root, SCAN_NS, 'DocumentFormatExt') ?? 'image/jpeg';
  const intent = first(root, SCAN_NS, 'Intent');
  const images = first(root, SCAN_NS, 'ImagesToTransfer');
  return {
    ...(intent !== undefined ? { intent } : {}),
    ...(images !== undefined ? { imagesToTransfer: number(images, 'ImagesToTransfer') } : {}),
    inputSource: first(root, PWG_NS, 'InputSource') ?? 'Platen',
    duplex: first(root, SCAN_NS, 'Duplex') === 'true',
    colorMode: first(root, SCAN_NS, 'ColorMode') ?? 'RGB24',
    xResolution: number(first(root, SCAN_NS, 'XResolution'), 'XResolution'),
    yResolution: number(first(root, SCAN_NS, 'YResolution'), 'YResolution'),
    format,
    width: number(first(root, PWG_NS, 'Width'), 'Width'),
    height: number(first(root, PWG_NS, 'Height'), 'Height'),
    xOffset: offset(first(root, PWG_NS, 'XOffset'), 'XOffset'),
    yOffset: offset(first(root, PWG_NS, 'YOffset'), 'YOffset'),
  };
}
