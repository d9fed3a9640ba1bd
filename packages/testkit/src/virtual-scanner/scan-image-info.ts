import { xmlText } from './scanner-xml.js';

/** What the virtual scanner reports about a page it delivered (`GET {JobUri}/ScanImageInfo`). */
export interface VirtualImageInfo {
  width: number;
  height: number;
  bytesPerLine: number;
  /** Whether the page came out in colour. */
  colorDetected: boolean;
}

/** The image facts of a page of `widthPx` × `heightPx` in `colorMode` (the renderer's 8-pixel floor applied). */
export function imageInfoOf(widthPx: number, heightPx: number, colorMode: 'BlackAndWhite1' | 'Grayscale8' | 'RGB24'): VirtualImageInfo {
  const width = Math.max(8, Math.floor(widthPx));
  const height = Math.max(8, Math.floor(heightPx));
  const bytesPerLine = colorMode === 'RGB24' ? width * 3 : colorMode === 'Grayscale8' ? width : Math.ceil(width / 8);
  return { width, height, bytesPerLine, colorDetected: colorMode === 'RGB24' };
}

/** `scan:ScanImageInfo`, laid out as HP firmware writes it (capture in device-plugins/test-fixtures/escl). */
export function imageInfoXml(jobUri: string, jobUuid: string, info: VirtualImageInfo): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><scan:ScanImageInfo xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">` +
    `<pwg:JobUri>${xmlText(jobUri)}</pwg:JobUri><pwg:JobUuid>${xmlText(jobUuid)}</pwg:JobUuid>` +
    `<scan:ActualWidth>${info.width}</scan:ActualWidth><scan:ActualHeight>${info.height}</scan:ActualHeight>` +
    `<scan:ActualBytesPerLine>${info.bytesPerLine}</scan:ActualBytesPerLine>` +
    `<scan:BlankPageDetected>false</scan:BlankPageDetected><scan:ColorDetected>${info.colorDetected}</scan:ColorDetected></scan:ScanImageInfo>`
  );
}
