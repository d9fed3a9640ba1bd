import { expect } from 'chai';
import jpeg from 'jpeg-js';
import {
  S_OK,
  WIA_DATA_AUTO,
  WIA_DATA_COLOR,
  WIA_DEPTH_AUTO,
  WIA_IPA_BYTES_PER_LINE,
  WIA_IPA_DATATYPE,
  WIA_IPA_DEPTH,
  WIA_IPA_NUMBER_OF_LINES,
  WIA_IPA_PIXELS_PER_LINE,
  WIA_IPS_PAGES,
  WIA_IPS_XEXTENT,
  WIA_IPS_XRES,
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WiaError,
  type WiaPropertyValue,
} from '@openwia/core';
import { ESCL_IPS_INTENT } from './escl-intent-property.js';
import { openScanner, recordingApp, type ScannerFixture } from './escl-test-support.js';

const FLATBED = 'Root\\Flatbed';
const FEEDER = 'Root\\Feeder';

/** The ScanSettings bodies the scanner received, in order. */
function jobSettings(fixture: ScannerFixture): Array<Record<string, unknown>> {
  return fixture.scanner.control.jobs.map((j) => ({ ...j.settings }));
}

/** The values of a list-valued property. */
function listed(fixture: ScannerFixture, item: string, id: number): readonly WiaPropertyValue[] {
  const valid = fixture.device.item(item).properties.get(id).valid;
  return valid.kind === 'list' ? valid.values : [];
}

async function write(fixture: ScannerFixture, item: string, values: Array<[number, WiaPropertyValue]>): Promise<void> {
  await fixture.device.writeProperties(fixture.device.item(item), new Map(values));
}

describe('eSCL scan options: automatic colour, intents, ImagesToTransfer, ScanImageInfo', () => {
  let fixture: ScannerFixture;
  afterEach(async () => {
    await fixture.device.close();
  });

  describe('AutoColorDetection → WIA_DATA_AUTO', () => {
    it('is offered as a data type (depth WIA_DEPTH_AUTO) and sent as the ColorMode the device listed', async () => {
      fixture = await openScanner({ autoColorDetection: true, feederSheets: 2 });
      const feeder = fixture.device.item(FEEDER).properties;
      expect(listed(fixture, FEEDER, WIA_IPA_DATATYPE)).to.include(WIA_DATA_AUTO);
      await write(fixture, FEEDER, [[WIA_IPA_DATATYPE, WIA_DATA_AUTO]]);
      expect(feeder.value(WIA_IPA_DEPTH)).to.equal(WIA_DEPTH_AUTO);
      const { app, recorded } = recordingApp();
      expect(await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app)).to.equal(S_OK);
      expect(jobSettings(fixture)[0]).to.include({ colorMode: 'scan:AutoColorDetection' });
      // The virtual scanner finds colour on odd pages only: page 1 comes in colour, page 2 in gray.
      const channels = (name: string): boolean => {
        const image = jpeg.decode(recorded.pages.get(name)!.bytes);
        return image.data.some((v, i) => i % 4 === 0 && v !== image.data[i + 2]);
      };
      expect([channels('Page1'), channels('Page2')]).to.deep.equal([true, false]);
    });

    it('is not offered by a scanner that does not list it, and a colour scan goes back to RGB24', async () => {
      fixture = await openScanner({ feederSheets: false });
      expect(listed(fixture, FLATBED, WIA_IPA_DATATYPE)).not.to.include(WIA_DATA_AUTO);
      const error = await write(fixture, FLATBED, [[WIA_IPA_DATATYPE, WIA_DATA_AUTO]]).then(() => undefined, (err: unknown) => err);
      expect(error).to.be.instanceOf(WiaError);
      await write(fixture, FLATBED, [[WIA_IPA_DATATYPE, WIA_DATA_COLOR]]);
      await fixture.device.createTransfer(FLATBED).Download(0, recordingApp().app);
      expect(jobSettings(fixture)[0]).to.include({ colorMode: 'RGB24' });
    });
  });

  describe('scan intents → ESCL_IPS_INTENT', () => {
    it('lists exactly the advertised intents, defaults to Document, and sends the one chosen', async () => {
      fixture = await openScanner({ feederSheets: false, intents: ['Document', 'Photo', 'Preview', 'Object', 'BusinessCard'] });
      const flatbed = fixture.device.item(FLATBED).properties;
      expect(flatbed.get(ESCL_IPS_INTENT).valid).to.deep.equal({ kind: 'list', nominal: 'Document', values: ['Document', 'Photo', 'Preview', 'Object', 'BusinessCard'] });
      expect(flatbed.value(ESCL_IPS_INTENT)).to.equal('Document');
      await fixture.device.createTransfer(FLATBED).Download(0, recordingApp().app);
      await write(fixture, FLATBED, [[ESCL_IPS_INTENT, 'BusinessCard']]);
      await fixture.device.createTransfer(FLATBED).Download(0, recordingApp().app);
      expect(jobSettings(fixture).map((s) => s['intent'])).to.deep.equal(['Document', 'BusinessCard']);
    });

    it('refuses an intent the source does not advertise', async () => {
      fixture = await openScanner({ feederSheets: false, intents: ['Photo', 'Preview'] });
      expect(fixture.device.item(FLATBED).properties.value(ESCL_IPS_INTENT), 'no Document: the first listed').to.equal('Photo');
      const error = await write(fixture, FLATBED, [[ESCL_IPS_INTENT, 'TextAndGraphic']]).then(() => undefined, (err: unknown) => err);
      expect(error).to.be.instanceOf(WiaError);
    });
  });

  describe('WIA_IPS_PAGES → ImagesToTransfer', () => {
    it('sends the page count; the scanner feeds only those sheets and completes the job itself (no DELETE)', async () => {
      fixture = await openScanner({ feederSheets: 10 });
      const deletes: string[] = [];
      fixture.scanner.control.on('request', (method, path) => method === 'DELETE' && deletes.push(path));
      await write(fixture, FEEDER, [[WIA_IPS_PAGES, 3]]);
      const { app, recorded } = recordingApp();
      expect(await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app)).to.equal(S_OK);
      expect(recorded.asked).to.deep.equal(['Page1', 'Page2', 'Page3']);
      expect(jobSettings(fixture)[0]).to.include({ imagesToTransfer: 3 });
      expect(fixture.scanner.control.feederSheets, 'seven sheets left in the feeder').to.equal(7);
      expect(fixture.scanner.control.jobs[0]!.state).to.equal('Completed');
      expect(deletes).to.deep.equal([]);
    });

    it('sends no ImagesToTransfer when all pages are wanted (WIA_IPS_PAGES = 0)', async () => {
      fixture = await openScanner({ feederSheets: 2 });
      await write(fixture, FEEDER, [[WIA_IPS_PAGES, 0]]);
      await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, recordingApp().app);
      expect(jobSettings(fixture)[0]).not.to.have.property('imagesToTransfer');
    });
  });

  describe('ScanImageInfo → the page item', () => {
    it('records the real pixels per line, lines and bytes per line of every page', async () => {
      fixture = await openScanner({ feederSheets: 2 });
      await write(fixture, FEEDER, [[WIA_IPS_XRES, 150]]);
      await write(fixture, FEEDER, [[WIA_IPS_XEXTENT, 100]]);
      await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, recordingApp().app);
      for (const page of fixture.device.item(FEEDER).children) {
        const p = page.properties;
        expect([p.value(WIA_IPA_PIXELS_PER_LINE), p.value(WIA_IPA_NUMBER_OF_LINES), p.value(WIA_IPA_BYTES_PER_LINE)], page.name).to.deep.equal([100, 200, 300]);
      }
    });

    it('tolerates its absence (404) and malformed content: the scan succeeds without the details', async () => {
      fixture = await openScanner({ feederSheets: false });
      fixture.scanner.control.serveImageInfo = false;
      expect(await fixture.device.createTransfer(FLATBED).Download(0, recordingApp().app)).to.equal(S_OK);
      expect(fixture.device.item(FLATBED).properties.has(WIA_IPA_NUMBER_OF_LINES)).to.equal(false);
      fixture.scanner.control.serveImageInfo = true;
      fixture.scanner.control.bodyOverrides.set('/eSCL/ScanJobs/2/ScanImageInfo', '<scan:ScanImageInfo xmlns:scan="x"><scan:ActualWidth>-5</scan:ActualWidth>');
      expect(await fixture.device.createTransfer(FLATBED).Download(0, recordingApp().app)).to.equal(S_OK);
      expect(fixture.device.item(FLATBED).properties.has(WIA_IPA_NUMBER_OF_LINES)).to.equal(false);
      expect(fixture.scanner.control.state).to.equal('Idle');
    });
  });
});
