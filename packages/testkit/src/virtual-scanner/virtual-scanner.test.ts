import { expect } from 'chai';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { renderPage } from './page-renderer.js';
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

  it('exposes IPP-USB interfaces (7/1/4) with a bulk pair each', () => {
    const { device } = createVirtualScanner({ interfaces: 3 });
    const interfaces = device.descriptor.configurations[0]!.interfaces;
    expect(interfaces.map((i) => [i.interfaceClass, i.interfaceSubclass, i.interfaceProtocol])).to.deep.equal([[7, 1, 4], [7, 1, 4], [7, 1, 4]]);
    expect(interfaces.every((i) => i.endpoints.length === 2)).to.equal(true);
  });

  it('reads ScanSettings namespace-aware and refuses DTDs and foreign roots', () => {
    const ns = 'xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"';
    const settings = parseScanSettings(
      `<scan:ScanSettings ${ns}><pwg:ScanRegions><pwg:ScanRegion><pwg:Width>100</pwg:Width><pwg:Height>200</pwg:Height></pwg:ScanRegion></pwg:ScanRegions><pwg:InputSource>Feeder</pwg:InputSource><scan:XResolution>300</scan:XResolution><scan:YResolution>300</scan:YResolution></scan:ScanSettings>`,
    );
    expect(settings).to.include({ inputSource: 'Feeder', width: 100, height: 200, xResolution: 300, format: 'image/jpeg' });
    expect(() => parseScanSettings('<!DOCTYPE a><a/>')).to.throw(ScanSettingsError);
    expect(() => parseScanSettings('<ScanSettings/>')).to.throw(ScanSettingsError);
  });
});
