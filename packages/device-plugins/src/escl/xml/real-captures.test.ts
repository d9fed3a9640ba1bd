import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { EsclXmlError } from './safe-xml.js';
import { parseCapabilities } from './capabilities.js';
import { parseImageInfo } from './image-info.js';
import { parseStatus } from './status.js';

/** The captures folder, with its provenance list (captures.json). */
const FIXTURES = new URL('../../../test-fixtures/escl/', import.meta.url);
interface Capture {
  file: string;
  document: string;
  device: string;
  source: string;
  truncated: boolean;
}
const captures = (JSON.parse(readFileSync(new URL('captures.json', FIXTURES), 'utf8')) as { captures: Capture[] }).captures;
const read = (file: string): string => readFileSync(new URL(file, FIXTURES), 'utf8');
const NS = 'xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"';
const job = (uri: string, state?: string): string =>
  `<scan:JobInfo><pwg:JobUri>${uri}</pwg:JobUri>${state ? `<pwg:JobState>${state}</pwg:JobState>` : ''}<pwg:JobStateReasons><pwg:JobStateReason>JobCompletedSuccessfully</pwg:JobStateReason></pwg:JobStateReasons></scan:JobInfo>`;
const status = (state: string, jobs: string): string => `<?xml version="1.0"?><scan:ScannerStatus ${NS}><pwg:Version>2.63</pwg:Version><pwg:State>${state}</pwg:State><scan:Jobs>${jobs}</scan:Jobs></scan:ScannerStatus>`;

describe('eSCL codec against real device captures (test-fixtures/escl, provenance in captures.json)', () => {
  it('every whole capture parses; every truncated one fails with a typed error, never a crash', () => {
    expect(captures.length).to.be.greaterThan(8);
    for (const capture of captures) {
      expect(capture.source, capture.file).to.match(/^https:\/\/github\.com\//);
      const parsers: Record<string, (body: string) => unknown> = { ScannerCapabilities: parseCapabilities, ScannerStatus: parseStatus, ScanImageInfo: parseImageInfo };
      const parse = parsers[capture.document];
      if (!parse) continue;
      if (capture.truncated) expect(() => parse(read(capture.file)), capture.file).to.throw(EsclXmlError);
      else expect(() => parse(read(capture.file)), capture.file).not.to.throw();
    }
  });

  it('HP ScanJet Pro 4500: platen and duplex feeder, PDF offered, scan:AutoColorDetection kept on record', () => {
    const caps = parseCapabilities(read('hp-eSCL_ScannerCapabilities_Duplex.xml'));
    expect(caps.makeAndModel).to.equal('HP ScanJet Pro 4500 fn1');
    expect(caps.platen!.documentFormats).to.include.members(['image/jpeg', 'application/pdf']);
    expect(caps.platen!.colorModes).to.deep.equal(['BlackAndWhite1', 'Grayscale8', 'RGB24']);
    expect(caps.platen!.otherColorModes).to.deep.equal(['AutoColorDetection']);
    expect(caps.adfSimplex).to.not.equal(undefined);
    expect(caps.adfDuplex).to.not.equal(undefined);
    expect(caps.platen!.resolutions).to.include.members([75, 150, 200, 300, 600]);
  });

  it('HP ScanJet Pro 4500: AutoColorDetection on every source, kept as spelled (scan:AutoColorDetection) to be sent back', () => {
    const caps = parseCapabilities(read('hp-eSCL_ScannerCapabilities_Duplex.xml'));
    expect([caps.platen, caps.adfSimplex, caps.adfDuplex].map((c) => c!.autoColorDetection)).to.deep.equal(['scan:AutoColorDetection', 'scan:AutoColorDetection', 'scan:AutoColorDetection']);
    expect(caps.adfSimplex!.intents).to.deep.equal(['Document', 'Photo', 'Preview', 'TextAndGraphic']);
    expect(parseCapabilities(read('hp-eSCL_ScannerCapabilities_Simplex.xml')).platen!.autoColorDetection, 'Smart Tank lists none').to.equal(undefined);
  });

  it('HP ScanJet Pro 4500 ScanImageInfo: actual width, height, bytes per line and the colour found', () => {
    expect(parseImageInfo(read('hp-eSCL_ScanImageInfo.xml'))).to.deep.equal({ width: 1700, height: 2420, bytesPerLine: 5248, colorDetected: true });
  });

  it('a ScanImageInfo without the actual size, with a negative one, or cut short is a typed error', () => {
    const whole = read('hp-eSCL_ScanImageInfo.xml');
    const broken = [
      whole.replace(/<scan:ActualHeight>.*<\/scan:ActualHeight>/, ''),
      whole.replace('<scan:ActualWidth>1700', '<scan:ActualWidth>-1700'),
      whole.slice(0, whole.indexOf('<scan:ActualBytesPerLine>')),
      '<scan:ScanImageInfo xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03"/>',
    ];
    for (const body of broken) expect(() => parseImageInfo(body), body.slice(-80)).to.throw(EsclXmlError);
  });

  it('HP Smart Tank Plus 570: flatbed only, JPEG and PDF', () => {
    const caps = parseCapabilities(read('hp-eSCL_ScannerCapabilities_Simplex.xml'));
    expect(caps.platen!.minWidth).to.equal(8);
    expect(caps.platen!.documentFormats).to.include.members(['image/jpeg', 'application/pdf']);
  });

  it('AirSane (Canon LiDE20, truncated at the source): MinWidth/MinHeight 0 and 16-bit modes are accepted', () => {
    // Test what the capture holds: its PlatenInputCaps head, completed with one profile so the document is whole.
    const head = read('airsane-canon-lide20-capabilities.truncated.xml').split('<scan:ColorSpaces>')[0]!;
    const whole = `${head}<scan:DocumentFormats><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat></scan:DocumentFormats>
      <scan:SupportedResolutions><scan:DiscreteResolutions><scan:DiscreteResolution><scan:XResolution>300</scan:XResolution><scan:YResolution>300</scan:YResolution></scan:DiscreteResolution></scan:DiscreteResolutions></scan:SupportedResolutions>
      </scan:SettingProfile></scan:SettingProfiles></scan:PlatenInputCaps></scan:Platen></scan:ScannerCapabilities>`;
    const caps = parseCapabilities(whole);
    expect([caps.platen!.minWidth, caps.platen!.minHeight, caps.platen!.maxWidth]).to.deep.equal([0, 0, 2539]);
    expect(caps.platen!.colorModes).to.deep.equal(['Grayscale8', 'Grayscale16', 'RGB24', 'RGB48']);
    expect(caps.platen!.otherColorModes).to.deep.equal([]);
  });

  it('Kyocera ECOSYS M5526cdw (a fragment at the source): its SupportedIntent spelling is read', () => {
    const fragment = read('kyocera-ecosys-m5526cdw-capabilities.fragment.xml');
    const intents = fragment.slice(fragment.indexOf('<scan:SupportedIntents>'), fragment.indexOf('</scan:SupportedIntents>') + '</scan:SupportedIntents>'.length);
    const hp = read('hp-eSCL_ScannerCapabilities_Simplex.xml');
    // The HP platen with its intents replaced by Kyocera's block, verbatim.
    const mixed = hp.replace(/<scan:SupportedIntents>[\s\S]*?<\/scan:SupportedIntents>/, intents);
    expect(parseCapabilities(mixed).platen!.intents).to.deep.equal(['Document', 'TextAndGraphic', 'Photo', 'Preview']);
    expect(parseCapabilities(hp).platen!.intents.length).to.be.greaterThan(0);
  });

  it('statuses: HP job histories with numeric and UUID ids, and a paste without namespace declarations', () => {
    const completed = parseStatus(read('hp-eSCL_ScannerStatus_completed.xml'));
    expect(completed.jobs.map((j) => [j.uri, j.state, j.imagesCompleted])).to.deep.equal([['/eSCL/ScanJobs/2', 'Completed', 2], ['/eSCL/ScanJobs/1', 'Completed', 2]]);
    const smartTank = parseStatus(read('hp-eSCL_ScannerStatus_empty_570.xml'));
    expect(smartTank.jobs[0]).to.include({ uri: '/eSCL/ScanJobs/f6f17dc4-536e-4bcb-b622-5d25bb6880be', imagesToTransfer: 0 });
    const laserJet = parseStatus(read('hp-laserjet-status-processing-no-xmlns.xml'));
    expect(laserJet).to.include({ state: 'Processing', adfState: 'ScannerAdfEmpty' });
    expect(laserJet.jobs[0]).to.include({ uri: '/eSCL/ScanJobs/k4o8psqg-quid-gmvf-1001-a3bv4bts', state: 'Processing' });
  });

  it('a job history longer than 256 entries (ids in the 770s) is read whole', () => {
    const history = Array.from({ length: 780 }, (_, i) => job(`/eSCL/ScanJobs/${780 - i}`, 'Completed')).join('');
    const parsed = parseStatus(status('Idle', history));
    expect(parsed.jobs).to.have.length(780);
    expect(parsed.jobs[0]!.uri).to.equal('/eSCL/ScanJobs/780');
  });

  it('an unknown State and JobInfo entries without JobState or JobUri spoil only themselves', () => {
    const parsed = parseStatus(status('BusyWarmingUp', job('/eSCL/ScanJobs/3') + job('/eSCL/ScanJobs/2', 'Finished') + job('/eSCL/ScanJobs/1', 'Completed') + '<scan:JobInfo><pwg:JobState>Completed</pwg:JobState></scan:JobInfo>'));
    expect(parsed.state).to.equal('Unknown');
    expect(parsed.jobs.map((j) => j.uri)).to.deep.equal(['/eSCL/ScanJobs/1']);
    expect(parsed.skippedJobs).to.equal(3);
  });

  it('an absolute JobUri is reduced to its path, so it matches the job it names', () => {
    const parsed = parseStatus(status('Idle', job('http://192.168.1.20:80/eSCL/ScanJobs/77/', 'Completed')));
    expect(parsed.jobs[0]!.uri).to.equal('/eSCL/ScanJobs/77');
  });
});
