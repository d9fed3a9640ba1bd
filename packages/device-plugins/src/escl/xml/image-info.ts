import { EsclXmlError, integer, parseEsclXml, text } from './safe-xml.js';

/** What a scanner says about a page it delivered (`GET {JobUri}/ScanImageInfo`). */
export interface EsclImageInfo {
  /** Pixels per line of the image as scanned. */
  width: number;
  /** Lines of the image as scanned (a feeder page may be shorter than the region asked for). */
  height: number;
  /** Bytes of one uncompressed line, when given. */
  bytesPerLine?: number;
  /** With automatic colour detection: whether the page came out in colour. */
  colorDetected?: boolean;
}

/** The largest image side accepted (pixels): 4800 dpi over a 1 m roll. */
const MAX_SIDE = 200_000;

/**
 * Parses a `scan:ScanImageInfo` document (HP layout: `ActualWidth`,
 * `ActualHeight`, `ActualBytesPerLine`, `ColorDetected`). Throws
 * {@link EsclXmlError} when it is malformed or lacks the actual size.
 */
export function parseImageInfo(body: Uint8Array | string): EsclImageInfo {
  const root = parseEsclXml(body, 'ScanImageInfo');
  const width = integer(root, 'ActualWidth', 1, MAX_SIDE);
  const height = integer(root, 'ActualHeight', 1, MAX_SIDE);
  if (width === undefined || height === undefined) throw new EsclXmlError('ScanImageInfo gives no ActualWidth/ActualHeight');
  const info: EsclImageInfo = { width, height };
  const bytesPerLine = integer(root, 'ActualBytesPerLine', 1, MAX_SIDE * 8);
  if (bytesPerLine !== undefined) info.bytesPerLine = bytesPerLine;
  const color = text(root, 'ColorDetected');
  if (color === 'true' || color === 'false') info.colorDetected = color === 'true';
  return info;
}
