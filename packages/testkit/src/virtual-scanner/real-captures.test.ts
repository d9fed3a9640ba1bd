import { expect } from 'chai';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { readFileSync } from 'node:fs';
import { capabilitiesXml, statusXml } from './scanner-xml.js';

/**
 * The virtual scanner against real devices: every element that all the real
 * captures carry (device-plugins/test-fixtures/escl, provenance in
 * captures.json) must be in the virtual scanner's documents too. Read with
 * xmldom, namespace-aware — nothing of the plugin's codec.
 */
const FIXTURES = new URL('../../../device-plugins/test-fixtures/escl/', import.meta.url);
interface Capture {
  file: string;
  document: string;
  truncated: boolean;
}
const captures = (JSON.parse(readFileSync(new URL('captures.json', FIXTURES), 'utf8')) as { captures: Capture[] }).captures;

/** Element paths by local name, e.g. `ScannerStatus/Jobs/JobInfo/JobUri`. */
function elementPaths(xml: string): Set<string> {
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
  const found = new Set<string>();
  const walk = (element: Element, prefix: string): void => {
    for (let node = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType !== 1) continue;
      const path = `${prefix}/${(node as Element).localName}`;
      found.add(path);
      walk(node as Element, path);
    }
  };
  walk(root, root.localName!);
  return found;
}

/** Paths every whole capture of `document` has (only those with `mustHave` in them, when given). */
function commonPaths(document: string, mustHave?: string): string[] {
  const sets = captures
    .filter((c) => c.document === document && !c.truncated)
    // A paste that lost its namespace declarations is no namespace-aware document: skipped here.
    .filter((c) => !c.file.includes('no-xmlns'))
    .map((c) => elementPaths(readFileSync(new URL(c.file, FIXTURES), 'utf8')))
    .filter((paths) => !mustHave || paths.has(mustHave));
  expect(sets.length, `${document} captures`).to.be.greaterThan(1);
  return [...sets[0]!].filter((p) => sets.every((s) => s.has(p)));
}

describe('virtual scanner against real device captures', () => {
  it('its ScannerCapabilities carries every element all real captures carry (but image adjustments it does not do)', () => {
    // Brightness, contrast and threshold controls: the virtual scanner would have to honour them to claim them.
    const notClaimed = /^ScannerCapabilities\/(BrightnessSupport|ContrastSupport|ThresholdSupport)/;
    const expected = commonPaths('ScannerCapabilities').filter((p) => !notClaimed.test(p));
    expect(expected.length).to.be.greaterThan(40);
    const caps = { maxWidth: 2550, maxHeight: 3300, resolutions: [75, 150, 300], colorModes: ['RGB24'], formats: ['image/jpeg', 'application/pdf'] };
    const virtual = elementPaths(capabilitiesXml('Virtual', 'VSCAN0001', caps, { duplex: true, capacity: 50 }));
    expect(expected.filter((p) => !virtual.has(p))).to.deep.equal([]);
    expect(virtual.has('ScannerCapabilities/Adf/AdfDuplexInputCaps/SettingProfiles/SettingProfile/ColorModes/ColorMode')).to.equal(true);
  });

  it('its ScannerStatus lists jobs with every element real job histories carry (Age, ImagesToTransfer…)', () => {
    const expected = commonPaths('ScannerStatus', 'ScannerStatus/Jobs/JobInfo');
    const job = { uri: '/eSCL/ScanJobs/1', uuid: 'u', state: 'Completed', reason: 'JobCompletedSuccessfully', imagesCompleted: 2, imagesToTransfer: 0, age: 12 };
    const virtual = elementPaths(statusXml('Idle', 'ScannerAdfLoaded', [job]));
    expect(expected).to.include('ScannerStatus/Jobs/JobInfo/ImagesToTransfer');
    expect(expected.filter((p) => !virtual.has(p))).to.deep.equal([]);
  });
});
