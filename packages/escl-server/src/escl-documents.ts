import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { E_INVALIDARG, WiaError } from '@openwia/core';
import type { EsclColorMode, RequestedScan, SourceCapabilities } from './source-capabilities.js';

/**
 * The server's eSCL documents: capabilities and status written from
 * templates with escaped text, and `ScanSettings` read with entity expansion
 * off and DTDs refused (no billion laughs, no external references).
 */

const SCAN_NS = 'http://schemas.hp.com/imaging/escl/2011/05/03';
const PWG_NS = 'http://www.pwg.org/schemas/2010/12/sm';
const HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const NAMESPACES = `xmlns:scan="${SCAN_NS}" xmlns:pwg="${PWG_NS}"`;

/** The largest `ScanSettings` body accepted (real ones are under 2 KiB). */
export const MAX_SCAN_SETTINGS_BYTES = 16 * 1024;

/** Escapes text for XML content. */
export function xmlText(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Who the served scanner says it is. */
export interface ScannerIdentity {
  makeAndModel: string;
  serialNumber: string;
  uuid: string;
  /** Absolute URL of the admin/icon page, if any (not served). */
  adminUri?: string;
}

function inputCaps(tag: string, caps: SourceCapabilities): string {
  const modes = caps.colorModes.map((m) => `<scan:ColorMode>${m}</scan:ColorMode>`).join('');
  const formats = caps.formats.map((f) => `<pwg:DocumentFormat>${xmlText(f)}</pwg:DocumentFormat><scan:DocumentFormatExt>${xmlText(f)}</scan:DocumentFormatExt>`).join('');
  const resolutions = caps.resolutions
    .map((r) => `<scan:DiscreteResolution><scan:XResolution>${r}</scan:XResolution><scan:YResolution>${r}</scan:YResolution></scan:DiscreteResolution>`)
    .join('');
  return (
    `<scan:${tag}><scan:MinWidth>${caps.minWidth}</scan:MinWidth><scan:MaxWidth>${caps.maxWidth}</scan:MaxWidth>` +
    `<scan:MinHeight>${caps.minHeight}</scan:MinHeight><scan:MaxHeight>${caps.maxHeight}</scan:MaxHeight>` +
    `<scan:MaxScanRegions>1</scan:MaxScanRegions><scan:SettingProfiles><scan:SettingProfile>` +
    `<scan:ColorModes>${modes}</scan:ColorModes><scan:DocumentFormats>${formats}</scan:DocumentFormats>` +
    `<scan:SupportedResolutions><scan:DiscreteResolutions>${resolutions}</scan:DiscreteResolutions></scan:SupportedResolutions>` +
    `</scan:SettingProfile></scan:SettingProfiles><scan:SupportedIntents><scan:Intent>Document</scan:Intent><scan:Intent>Photo</scan:Intent></scan:SupportedIntents></scan:${tag}>`
  );
}

/** `GET …/eSCL/ScannerCapabilities`, generated from the device's sources. */
export function capabilitiesXml(identity: ScannerIdentity, sources: readonly SourceCapabilities[]): string {
  const platen = sources.find((s) => s.source === 'Platen');
  const feeder = sources.find((s) => s.source === 'Feeder');
  const platenXml = platen ? `<scan:Platen>${inputCaps('PlatenInputCaps', platen)}</scan:Platen>` : '';
  const adfXml = feeder
    ? `<scan:Adf>${inputCaps('AdfSimplexInputCaps', feeder)}${feeder.duplex ? inputCaps('AdfDuplexInputCaps', feeder) : ''}` +
      `<scan:AdfOptions><scan:AdfOption>DetectPaperLoaded</scan:AdfOption>${feeder.duplex ? '<scan:AdfOption>Duplex</scan:AdfOption>' : ''}</scan:AdfOptions></scan:Adf>`
    : '';
  return (
    `${HEAD}<scan:ScannerCapabilities ${NAMESPACES}><pwg:Version>2.63</pwg:Version>` +
    `<pwg:MakeAndModel>${xmlText(identity.makeAndModel)}</pwg:MakeAndModel><pwg:SerialNumber>${xmlText(identity.serialNumber)}</pwg:SerialNumber>` +
    `<scan:UUID>${xmlText(identity.uuid)}</scan:UUID>${platenXml}${adfXml}</scan:ScannerCapabilities>`
  );
}

/** eSCL job states (PWG 5100.17). */
export type EsclJobState = 'Pending' | 'Processing' | 'Completed' | 'Canceled' | 'Aborted';

/** A job as `ScannerStatus` lists it. */
export interface JobStatusEntry {
  uri: string;
  uuid: string;
  ageSeconds: number;
  imagesCompleted: number;
  state: EsclJobState;
  reason: string;
}

/** `GET …/eSCL/ScannerStatus`. */
export function statusXml(state: 'Idle' | 'Processing' | 'Stopped', adfState: string | undefined, jobs: readonly JobStatusEntry[]): string {
  const jobXml = jobs
    .map(
      (j) =>
        `<scan:JobInfo><pwg:JobUri>${xmlText(j.uri)}</pwg:JobUri><pwg:JobUuid>${xmlText(j.uuid)}</pwg:JobUuid>` +
        `<scan:Age>${j.ageSeconds}</scan:Age><pwg:ImagesCompleted>${j.imagesCompleted}</pwg:ImagesCompleted>` +
        `<pwg:ImagesToTransfer>0</pwg:ImagesToTransfer><pwg:JobState>${j.state}</pwg:JobState>` +
        `<pwg:JobStateReasons><pwg:JobStateReason>${xmlText(j.reason)}</pwg:JobStateReason></pwg:JobStateReasons></scan:JobInfo>`,
    )
    .join('');
  return (
    `${HEAD}<scan:ScannerStatus ${NAMESPACES}><pwg:Version>2.63</pwg:Version><pwg:State>${state}</pwg:State>` +
    `${adfState ? `<scan:AdfState>${adfState}</scan:AdfState>` : ''}<scan:Jobs>${jobXml}</scan:Jobs></scan:ScannerStatus>`
  );
}

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  maxNestedTags: 16,
});

type Node = { [name: string]: unknown };

function child(node: unknown, name: string): unknown {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const value = (node as Node)[name];
  return Array.isArray(value) ? value[0] : value;
}

function text(node: unknown, name: string): string | undefined {
  const value = child(node, name);
  return typeof value === 'string' ? value : undefined;
}

function positiveInt(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > 1_000_000) throw new WiaError(E_INVALIDARG, `ScanSettings: ${name} is missing or not a positive integer`);
  return n;
}

function optionalInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new WiaError(E_INVALIDARG, `ScanSettings: ${name} is not a non-negative integer`);
  return n;
}

/**
 * Parses a `scan:ScanSettings` body. Throws `E_INVALIDARG` for one that is
 * too large, has a DTD, is not well formed, or asks for nothing usable.
 */
export function parseScanSettings(body: Buffer): RequestedScan {
  if (body.length > MAX_SCAN_SETTINGS_BYTES) throw new WiaError(E_INVALIDARG, 'ScanSettings: the body is too large');
  const xml = body.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new WiaError(E_INVALIDARG, 'ScanSettings: DTDs and entities are not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new WiaError(E_INVALIDARG, `ScanSettings: not well-formed XML (${valid.err.msg})`);
  const settings = child(parser.parse(xml) as Node, 'ScanSettings');
  if (!settings || typeof settings !== 'object') throw new WiaError(E_INVALIDARG, 'ScanSettings: not a scan:ScanSettings document');
  const source = text(settings, 'InputSource') ?? 'Platen';
  if (source !== 'Platen' && source !== 'Feeder') throw new WiaError(E_INVALIDARG, `ScanSettings: input source ${JSON.stringify(source.slice(0, 40))} is not offered`);
  const colorMode = (text(settings, 'ColorMode') ?? 'RGB24') as EsclColorMode;
  const regionNode = child(child(settings, 'ScanRegions'), 'ScanRegion');
  const scan: RequestedScan = {
    inputSource: source,
    duplex: text(settings, 'Duplex') === 'true',
    colorMode,
    xResolution: positiveInt(text(settings, 'XResolution'), 'XResolution'),
    yResolution: positiveInt(text(settings, 'YResolution') ?? text(settings, 'XResolution'), 'YResolution'),
    documentFormat: text(settings, 'DocumentFormatExt') ?? text(settings, 'DocumentFormat') ?? 'image/jpeg',
  };
  // Intent and other elements this server cannot act on are ignored, as firmware does with what it does not know.
  const images = optionalInt(text(settings, 'ImagesToTransfer'), 'ImagesToTransfer', 0);
  if (images > 0) scan.imagesToTransfer = images;
  if (regionNode) {
    scan.region = {
      x: optionalInt(text(regionNode, 'XOffset'), 'XOffset', 0),
      y: optionalInt(text(regionNode, 'YOffset'), 'YOffset', 0),
      width: positiveInt(text(regionNode, 'Width'), 'Width'),
      height: positiveInt(text(regionNode, 'Height'), 'Height'),
    };
  }
  return scan;
}
