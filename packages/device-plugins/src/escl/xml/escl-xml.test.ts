import { expect } from 'chai';
import fc from 'fast-check';
import { WIA_ERROR_DEVICE_COMMUNICATION, WiaError } from '@openwia/core';
import { parseCapabilities } from './capabilities.js';
import { EsclXmlError, MAX_ESCL_XML_BYTES } from './safe-xml.js';
import { buildScanSettings } from './scan-settings.js';
import { parseStatus } from './status.js';

const NS = 'xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"';
const CAPS = `<?xml version="1.0"?><scan:ScannerCapabilities ${NS}><pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>ACME &amp; Co</pwg:MakeAndModel>
<scan:Platen><scan:PlatenInputCaps><scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>2550</scan:MaxWidth><scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>3508</scan:MaxHeight>
<scan:SettingProfiles><scan:SettingProfile><scan:ColorModes><scan:ColorMode>RGB24</scan:ColorMode><scan:ColorMode>Grayscale8</scan:ColorMode><scan:ColorMode>CMYK32</scan:ColorMode></scan:ColorModes>
<scan:DocumentFormats><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat><scan:DocumentFormatExt>application/pdf</scan:DocumentFormatExt></scan:DocumentFormats>
<scan:SupportedResolutions><scan:DiscreteResolutions><scan:DiscreteResolution><scan:XResolution>300</scan:XResolution><scan:YResolution>300</scan:YResolution></scan:DiscreteResolution>
<scan:DiscreteResolution><scan:XResolution>600</scan:XResolution><scan:YResolution>1200</scan:YResolution></scan:DiscreteResolution></scan:DiscreteResolutions>
<scan:ResolutionRange><scan:XResolutionRange><scan:Min>75</scan:Min><scan:Max>150</scan:Max></scan:XResolutionRange></scan:ResolutionRange></scan:SupportedResolutions>
</scan:SettingProfile></scan:SettingProfiles></scan:PlatenInputCaps></scan:Platen></scan:ScannerCapabilities>`;
const STATUS = `<scan:ScannerStatus ${NS}><pwg:State>Processing</pwg:State><scan:AdfState>ScannerAdfJam</scan:AdfState><scan:Jobs><scan:JobInfo><pwg:JobUri>/eSCL/ScanJobs/1</pwg:JobUri>
<pwg:ImagesCompleted>3</pwg:ImagesCompleted><pwg:JobState>Aborted</pwg:JobState><pwg:JobStateReasons><pwg:JobStateReason>AdfJam</pwg:JobStateReason></pwg:JobStateReasons></scan:JobInfo></scan:Jobs></scan:ScannerStatus>`;

/** Every parser failure must be this typed error, never anything else. */
function expectTypedOrValue(parse: () => unknown): void {
  try {
    parse();
  } catch (err) {
    expect(err).to.be.instanceOf(EsclXmlError);
    expect((err as WiaError).hresult).to.equal(WIA_ERROR_DEVICE_COMMUNICATION);
  }
}

describe('eSCL XML codec', () => {
  it('reads capabilities whatever the prefixes, keeping only what the driver can use', () => {
    const caps = parseCapabilities(CAPS.replaceAll('scan:', 's:').replace('xmlns:scan', 'xmlns:s'));
    expect(caps.makeAndModel).to.equal('ACME &amp; Co'); // entities are never expanded
    expect(caps.platen!.colorModes).to.deep.equal(['Grayscale8', 'RGB24']);
    expect(caps.platen!.documentFormats).to.deep.equal(['image/jpeg', 'application/pdf']);
    expect(caps.platen!.resolutions).to.deep.equal([75, 100, 150, 300]);
    expect(caps.adfSimplex).to.equal(undefined);
  });

  it('reads status with jobs, states and reasons', () => {
    const status = parseStatus(STATUS);
    expect(status).to.deep.equal({ state: 'Processing', adfState: 'ScannerAdfJam', skippedJobs: 0, jobs: [{ uri: '/eSCL/ScanJobs/1', state: 'Aborted', reasons: ['AdfJam'], imagesCompleted: 3 }] });
  });

  it('builds ScanSettings with the eSCL namespaces', () => {
    const xml = buildScanSettings({ inputSource: 'Feeder', duplex: true, colorMode: 'RGB24', resolution: 300, documentFormat: 'image/png', region: { x: 0, y: 0, width: 2550, height: 3300 } });
    expect(xml).to.contain('<pwg:InputSource>Feeder</pwg:InputSource>').and.contain('<scan:Duplex>true</scan:Duplex>').and.contain('xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03"');
  });

  it('builds ScanSettings with the chosen intent, automatic colour as the device spells it, and ImagesToTransfer', () => {
    const region = { x: 0, y: 0, width: 2550, height: 3300 };
    const xml = buildScanSettings({ inputSource: 'Feeder', duplex: false, colorMode: 'scan:AutoColorDetection', resolution: 300, documentFormat: 'image/jpeg', region, intent: 'BusinessCard', imagesToTransfer: 4 });
    expect(xml).to.contain('<scan:Intent>BusinessCard</scan:Intent>').and.contain('<scan:ColorMode>scan:AutoColorDetection</scan:ColorMode>').and.contain('<scan:ImagesToTransfer>4</scan:ImagesToTransfer>');
    const plain = buildScanSettings({ inputSource: 'Platen', duplex: false, colorMode: 'RGB24', resolution: 300, documentFormat: 'image/jpeg', region });
    expect(plain).to.contain('<scan:Intent>Document</scan:Intent>').and.not.contain('ImagesToTransfer');
  });

  it('refuses entity bombs and external entities without expanding anything', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><scan:ScannerStatus ${NS}><pwg:State>&lol2;</pwg:State></scan:ScannerStatus>`;
    const external = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><scan:ScannerStatus ${NS}><pwg:State>&xxe;</pwg:State></scan:ScannerStatus>`;
    expect(() => parseStatus(laughs)).to.throw(EsclXmlError, /DTD/);
    expect(() => parseStatus(external)).to.throw(EsclXmlError, /DTD/);
    expect(parseStatus(`<scan:ScannerStatus ${NS}><pwg:State>&amp;Idle</pwg:State></scan:ScannerStatus>`).state).to.equal('Unknown');
  });

  it('bounds size, depth and list lengths', () => {
    expect(() => parseStatus('<a>' + 'x'.repeat(MAX_ESCL_XML_BYTES) + '</a>')).to.throw(EsclXmlError, /bytes/);
    expect(() => parseStatus('<a>'.repeat(500) + '</a>'.repeat(500))).to.throw(EsclXmlError);
    const manyModes = CAPS.replace('<scan:ColorMode>RGB24</scan:ColorMode>', '<scan:ColorMode>RGB24</scan:ColorMode>'.repeat(300));
    expect(() => parseCapabilities(manyModes)).to.throw(EsclXmlError, /more than/);
  });

  it('rejects lying numbers and missing parts with typed errors', () => {
    expect(() => parseCapabilities(CAPS.replace('<scan:MaxWidth>2550', '<scan:MaxWidth>-1'))).to.throw(EsclXmlError, /MaxWidth/);
    expect(() => parseCapabilities(CAPS.replace('<scan:MaxWidth>2550', '<scan:MaxWidth>99999999999'))).to.throw(EsclXmlError);
    expect(() => parseCapabilities(`<scan:ScannerCapabilities ${NS}><pwg:Version>2.6</pwg:Version></scan:ScannerCapabilities>`)).to.throw(EsclXmlError, /neither/);
    expect(() => parseStatus(CAPS)).to.throw(EsclXmlError, /ScannerStatus/);
  });

  it('property: arbitrary text never crashes the parsers, it parses or gets a typed error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        expectTypedOrValue(() => parseStatus(text));
        expectTypedOrValue(() => parseCapabilities(text));
      }),
      { numRuns: 300 },
    );
  });

  it('property: valid documents mutated anywhere (cut, spliced, hostile fragments) get a value or a typed error', () => {
    const fragment = fc.constantFrom('<', '>', '&', '&lol;', '<!DOCTYPE x>', '<![CDATA[', ']]>', '</scan:Jobs>', '<pwg:State>', '\u0000', '<?xml?>', '<__proto__>', '"', "'", '<a xmlns:scan="x">', '99999999999');
    fc.assert(
      fc.property(fc.constantFrom(CAPS, STATUS), fc.nat(), fc.nat(), fc.array(fragment, { maxLength: 4 }), (doc, a, b, inserts) => {
        const start = a % doc.length;
        const end = start + (b % (doc.length - start));
        const mutated = doc.slice(0, start) + inserts.join('') + doc.slice(end);
        expectTypedOrValue(() => parseStatus(mutated));
        expectTypedOrValue(() => parseCapabilities(mutated));
      }),
      { numRuns: 400 },
    );
  });
});
