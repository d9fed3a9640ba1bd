import { request, type IncomingMessage } from 'node:http';

/** A `ScanSettings` body as sane-airscan sends it. */
export function scanSettingsXml(options: { source?: 'Platen' | 'Feeder'; resolution?: number; colorMode?: string; format?: string; duplex?: boolean; region?: { width: number; height: number }; intent?: string; imagesToTransfer?: number } = {}): string {
  const region = options.region
    ? `<pwg:ScanRegions><pwg:ScanRegion><pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits><pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset><pwg:Width>${options.region.width}</pwg:Width><pwg:Height>${options.region.height}</pwg:Height></pwg:ScanRegion></pwg:ScanRegions>`
    : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?><scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">` +
    `<pwg:Version>2.0</pwg:Version><scan:Intent>${options.intent ?? 'Document'}</scan:Intent>${region}` +
    `<pwg:InputSource>${options.source ?? 'Feeder'}</pwg:InputSource><scan:ColorMode>${options.colorMode ?? 'RGB24'}</scan:ColorMode>` +
    `<pwg:DocumentFormat>${options.format ?? 'image/png'}</pwg:DocumentFormat><scan:XResolution>${options.resolution ?? 100}</scan:XResolution>` +
    `<scan:YResolution>${options.resolution ?? 100}</scan:YResolution>${options.duplex ? '<scan:Duplex>true</scan:Duplex>' : ''}` +
    `${options.imagesToTransfer !== undefined ? `<scan:ImagesToTransfer>${options.imagesToTransfer}</scan:ImagesToTransfer>` : ''}</scan:ScanSettings>`
  );
}

/** An HTTP answer read whole. */
export interface HttpAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Starts a request and resolves with the response head; the body is left to the caller. */
export function open(url: string, method = 'GET', body?: string | Buffer): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body !== undefined ? { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) } : {} }, resolve);
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends a request and reads the whole answer. */
export async function call(url: string, method = 'GET', body?: string | Buffer): Promise<HttpAnswer> {
  const res = await open(url, method, body);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
}

/** Resolves once `condition` holds, checking after each turn of the event loop (bounded by the test timeout). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
