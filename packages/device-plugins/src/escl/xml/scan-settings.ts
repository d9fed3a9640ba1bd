import { XMLBuilder } from 'fast-xml-parser';
import type { EsclColorMode } from './capabilities.js';

/** eSCL namespaces. */
export const ESCL_NS = 'http://schemas.hp.com/imaging/escl/2011/05/03';
export const PWG_NS = 'http://www.pwg.org/schemas/2010/12/sm';

/** A `ColorMode` a job may ask for: a fixed mode, or automatic detection as the device spells it. */
export type EsclScanColorMode = EsclColorMode | 'AutoColorDetection' | 'scan:AutoColorDetection';

/** What a scan job asks for. Region in 1/300 inch. */
export interface EsclScanSettings {
  inputSource: 'Platen' | 'Feeder';
  duplex: boolean;
  colorMode: EsclScanColorMode;
  /** X resolution in dpi (and Y too, unless {@link yResolution} is given). */
  resolution: number;
  /** Y resolution in dpi when it differs from X (a non-square resolution the scanner lists). */
  yResolution?: number;
  documentFormat: string;
  region: { x: number; y: number; width: number; height: number };
  /** `scan:Intent`, one the input source lists (default `Document`). */
  intent?: string;
  /** Feeder: `scan:ImagesToTransfer`, the pages the job should deliver (absent: all the feeder holds). */
  imagesToTransfer?: number;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', format: false, suppressEmptyNode: false });

/** Builds the `scan:ScanSettings` body of `POST /eSCL/ScanJobs`. */
export function buildScanSettings(settings: EsclScanSettings): string {
  const { region } = settings;
  const document = {
    'scan:ScanSettings': {
      '@xmlns:scan': ESCL_NS,
      '@xmlns:pwg': PWG_NS,
      'pwg:Version': '2.63',
      'scan:Intent': settings.intent ?? 'Document',
      'pwg:ScanRegions': {
        'pwg:ScanRegion': {
          'pwg:ContentRegionUnits': 'escl:ThreeHundredthsOfInches',
          'pwg:XOffset': region.x,
          'pwg:YOffset': region.y,
          'pwg:Width': region.width,
          'pwg:Height': region.height,
        },
      },
      'pwg:InputSource': settings.inputSource,
      ...(settings.inputSource === 'Feeder' ? { 'scan:Duplex': settings.duplex } : {}),
      ...(settings.imagesToTransfer !== undefined ? { 'scan:ImagesToTransfer': settings.imagesToTransfer } : {}),
      'scan:ColorMode': settings.colorMode,
      'scan:XResolution': settings.resolution,
      'scan:YResolution': settings.yResolution ?? settings.resolution,
      'pwg:DocumentFormat': settings.documentFormat,
      'scan:DocumentFormatExt': settings.documentFormat,
    },
  };
  return '<?xml version="1.0" encoding="UTF-8"?>' + String(builder.build(document));
}
