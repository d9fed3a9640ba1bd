import { expect } from 'chai';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { rejectionOf } from '../assertions/index.js';
import { PageCache } from './page-cache.js';
import { renderDocument, renderPage } from './page-renderer.js';
import { ScanSettingsError, parseScanSettings } from './scanner-xml.js';
import { createVirtualScanner } from './virtual-scanner.js';

describe('virtual scanner', () => {
  it('renders numbered pages as decodable JPEG and PNG of the asked size', () => {
    const jpg = jpeg.decode(renderPage({ pageNumber: 7, widthPx: 120, heightPx: 160, colorMode: 'RGB24', format: 'image/jpeg' }));
    expect([jpg.width, jpg.height]).to.deep.equal([120, 160]);
    const png = PNG.sync.read(renderPage({ pageNumber: 12, widthPx: 90, heightPx: 100, colorMode: 'Grayscale8', format: 'image/png' }));
    expect([png.width, png.height]).to.deep.equal([90, 100]);
    const a = renderPage({ pageNumber: 1, widthPx: 90, heightPx: 100, colorMode: 'RGB24', format: 'image/png' });
    const b = renderPage({ pageNumber: 2, widthPx: 90, heightPx: 100, colorMode: 'RGB24', format: 'image/png' });
    expect(a.equals(b), 'pages differ by their number').to.equal(false);
  });

  it('draws the sheet and cuts the region out of it, honouring X/Y offsets', () => {
    const sheet = { widthPx: 200, heightPx: 260, colorMode: 'Grayscale8', format: 'image/png', pageNumber: 8 } as const;
    const whole = PNG.sync.read(renderPage(sheet));
    const region = PNG.sync.read(renderPage({ ...sheet, widthPx: 60, heightPx: 50, offsetXPx: 70, offsetYPx: 90, sheetWidthPx: 200, sheetHeightPx: 260 }));
    expect([region.width, region.height]).to.deep.equal([60, 50]);
    // Each pixel of the region is the sheet's pixel at the offset (grey PNG: one byte per pixel after decode → RGBA).
    for (const [x, y] of [[0, 0], [10, 10], [59, 49], [30, 25], [5, 40]] as const) {
      const at = (png: PNG, px: number, py: number): number => png.data[(py * png.width + px) * 4]!;
      expect(at(region, x, y), `${x},${y}`).to.equal(at(whole, x + 70, y + 90));
    }
    const origin = PNG.sync.read(renderPage({ ...sheet, widthPx: 60, heightPx: 50, sheetWidthPx: 200, sheetHeightPx: 260 }));
    expect(origin.data.equals(region.data), 'an offset region differs from the origin one').to.equal(false);
  });

  it('wraps a page in a PDF (pdfkit) whose page has the scan size in points', async () => {
    const pdf = (await renderDocument({ pageNumber: 2, widthPx: 150, heightPx: 300, colorMode: 'RGB24', format: 'application/pdf', dpi: 150 })).toString('latin1');
    expect(pdf.startsWith('%PDF-')).to.equal(true);
    expect(pdf).to.match(/\/MediaBox \[0 0 72 144\]/).and.match(/\/DCTDecode/);
  });

  it('renders a page once and reuses it; building a scanner renders nothing', async () => {
    const cache = new PageCache();
    const spec = { pageNumber: 1, widthPx: 80, heightPx: 90, colorMode: 'RGB24', format: 'image/jpeg' } as const;
    const first = cache.get(spec);
    expect(cache.get({ ...spec })).to.equal(first);
    expect(cache.get({ ...spec, pageNumber: 2 })).to.not.equal(first);
    const before = PageCache.shared.size;
    createVirtualScanner();
    expect(PageCache.shared.size, 'building a scanner renders nothing').to.equal(before);
    await first;
  });

  it('keeps a bounded job history, dropping the oldest ended jobs first, never a running one', async () => {
    const { control } = createVirtualScanner({ jobHistory: 2 });
    const settings = await parseScanSettings(
      `<scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"><pwg:ScanRegions><pwg:ScanRegion><pwg:Width>100</pwg:Width><pwg:Height>100</pwg:Height></pwg:ScanRegion></pwg:ScanRegions><scan:XResolution>75</scan:XResolution><scan:YResolution>75</scan:YResolution></scan:ScanSettings>`,
    );
    const running = control.createJob(settings);
    for (let i = 0; i < 5; i++) control.endJob(control.createJob(settings), 'Completed', 'JobCompletedSuccessfully');
    expect(control.jobs.map((j) => j.id)).to.deep.equal([running.id, 5, 6]);
    expect(control.jobStatus()[1]).to.include({ uri: '/eSCL/ScanJobs/5', imagesToTransfer: 0 });
  });

  it('exposes IPP-USB interfaces (7/1/4) with a bulk pair each', () => {
    const { device } = createVirtualScanner({ interfaces: 3 });
    const interfaces = device.descriptor.configurations[0]!.interfaces;
    expect(interfaces.map((i) => [i.interfaceClass, i.interfaceSubclass, i.interfaceProtocol])).to.deep.equal([[7, 1, 4], [7, 1, 4], [7, 1, 4]]);
    expect(interfaces.every((i) => i.endpoints.length === 2)).to.equal(true);
  });

  it('reads ScanSettings namespace-aware and refuses DTDs and foreign roots', async () => {
    const ns = 'xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"';
    const settings = await parseScanSettings(
      `<scan:ScanSettings ${ns}><pwg:ScanRegions><pwg:ScanRegion><pwg:Width>100</pwg:Width><pwg:Height>200</pwg:Height></pwg:ScanRegion></pwg:ScanRegions><pwg:InputSource>Feeder</pwg:InputSource><scan:XResolution>300</scan:XResolution><scan:YResolution>300</scan:YResolution></scan:ScanSettings>`,
    );
    expect(settings).to.include({ inputSource: 'Feeder', width: 100, height: 200, xResolution: 300, format: 'image/jpeg' });
    await rejectionOf(parseScanSettings('<!DOCTYPE a><a/>'), ScanSettingsError);
    await rejectionOf(parseScanSettings('<ScanSettings/>'), ScanSettingsError);
  });
});
