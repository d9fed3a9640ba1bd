import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  E_INVALIDARG,
  S_OK,
  WIA_DATA_GRAYSCALE,
  WIA_ERROR_DEVICE_COMMUNICATION,
  WIA_IPA_DATATYPE,
  WIA_IPA_DEPTH,
  WIA_IPA_FILENAME_EXTENSION,
  WIA_IPA_FORMAT,
  WIA_IPS_XEXTENT,
  WIA_IPS_XRES,
  WIA_IPS_YRES,
  WiaDevice,
  PluginRegistry,
  WiaError,
  WiaImgFmt_JPEG,
  WiaImgFmt_PDFA,
  WiaImgFmt_PNG,
} from '@openwia/core';
import { createVirtualScanner } from '@openwia/testkit';
import { devicePlugins } from '../index.js';
import { EsclScannerDriver } from './escl-scanner-driver.js';
import { openScanner, recordingApp } from './escl-test-support.js';

describe('eSCL plugin: session, items and properties', () => {
  it('is the plugin the registry picks for an IPP-USB (7/1/4) device', () => {
    const { device } = createVirtualScanner();
    expect(PluginRegistry.of(devicePlugins).bestMatch(device.descriptor)?.descriptor.name).to.equal('escl');
  });

  it('builds Flatbed and Feeder items from ScannerCapabilities', async () => {
    const { device, driver } = await openScanner({ duplex: true });
    expect(device.root.children.map((c) => c.name)).to.deep.equal(['Flatbed', 'Feeder']);
    const flatbed = device.item('Root\\Flatbed');
    expect(flatbed.properties.get(WIA_IPS_XRES).valid).to.deep.equal({ kind: 'list', nominal: 300, values: [75, 150, 300] });
    expect(driver.capabilities!.adfDuplex).to.not.equal(undefined);
    await device.close();
  });

  it('scans the flatbed with the properties the app set (PNG, grayscale, 150 dpi)', async () => {
    const { device, scanner } = await openScanner({ formats: ['image/jpeg', 'image/png'] });
    const flatbed = device.item('Root\\Flatbed');
    await device.writeProperties(flatbed, new Map<number, number | string>([[WIA_IPA_FORMAT, WiaImgFmt_PNG], [WIA_IPA_DATATYPE, WIA_DATA_GRAYSCALE], [WIA_IPS_XRES, 150]]));
    expect(flatbed.properties.value(WIA_IPS_YRES)).to.equal(150);
    expect(flatbed.properties.value(WIA_IPA_DEPTH)).to.equal(8);
    expect(flatbed.properties.value(WIA_IPA_FILENAME_EXTENSION)).to.equal('png');
    expect(flatbed.properties.value(WIA_IPS_XEXTENT)).to.equal(150);
    let sent: Buffer | undefined;
    scanner.control.on('pageSent', (_job, _page, bytes) => (sent = bytes));
    const { app, recorded } = recordingApp();
    expect(await device.createTransfer(flatbed).Download(0, app)).to.equal(S_OK);
    const image = recorded.pages.get('Flatbed')!.bytes;
    expect(image.subarray(1, 4).toString()).to.equal('PNG');
    expect(image.equals(sent!)).to.equal(true);
    const job = scanner.control.jobs[0]!;
    expect(job.settings).to.include({ inputSource: 'Platen', colorMode: 'Grayscale8', xResolution: 150, format: 'image/png', width: 300 });
    expect(job.state).to.equal('Completed');
    expect(job.deleted).to.equal(false);
    await device.close();
  });

  it('offers JPEG and PDF like real scanners, and scans a PDF page through the plugin', async () => {
    const { device, scanner } = await openScanner();
    const flatbed = device.item('Root\\Flatbed');
    expect(flatbed.properties.get(WIA_IPA_FORMAT).valid).to.deep.include({ values: [WiaImgFmt_JPEG, WiaImgFmt_PDFA] });
    await device.writeProperties(flatbed, new Map<number, number | string>([[WIA_IPA_FORMAT, WiaImgFmt_PDFA]]));
    expect(flatbed.properties.value(WIA_IPA_FILENAME_EXTENSION)).to.equal('pdf');
    const { app, recorded } = recordingApp();
    expect(await device.createTransfer(flatbed).Download(0, app)).to.equal(S_OK);
    const pdf = recorded.pages.get('Flatbed')!.bytes;
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(pdf.toString('latin1')).to.match(/\/Subtype \/Image/).and.match(/\/Filter \/DCTDecode/).and.match(/%%EOF\s*$/);
    expect(scanner.control.jobs[0]!.settings.format).to.equal('application/pdf');
    await device.close();
  });

  it('opens a scanner that answers HP ScanJet Pro 4500 fn1\'s real capabilities, and scans a PDF from its feeder', async () => {
    const capture = readFileSync(new URL('../../test-fixtures/escl/hp-eSCL_ScannerCapabilities_Duplex.xml', import.meta.url), 'utf8');
    const scanner = createVirtualScanner({ maxWidth: 2550, maxHeight: 4200, resolutions: [75, 100, 150, 200, 240, 300, 400, 600], duplex: true, feederSheets: 1 });
    scanner.control.bodyOverrides.set('/eSCL/ScannerCapabilities', capture);
    const driver = new EsclScannerDriver(scanner.device.createTransport());
    const device = await WiaDevice.open(driver, { deviceId: 'sim:hp4500' });
    try {
      expect(driver.capabilities!.makeAndModel).to.equal('HP ScanJet Pro 4500 fn1');
      expect(device.root.children.map((c) => c.name)).to.deep.equal(['Flatbed', 'Feeder']);
      const feeder = device.item('Root\\Feeder');
      await device.writeProperties(feeder, new Map<number, number | string>([[WIA_IPA_FORMAT, WiaImgFmt_PDFA], [WIA_IPS_XRES, 75]]));
      const result = await device.acquire(feeder);
      expect(result.outcome).to.equal('completed');
      expect(result.items[0]!.data!.subarray(0, 5).toString()).to.equal('%PDF-');
      expect(scanner.control.jobs[0]!.settings).to.include({ inputSource: 'Feeder', format: 'application/pdf', xResolution: 75 });
    } finally {
      await device.close();
    }
  });

  it('offers the 16-bit modes a scanner lists (as AirSane does) through WIA_IPA_DEPTH, and asks for them', async () => {
    const { device, scanner } = await openScanner({ colorModes: ['Grayscale8', 'Grayscale16', 'RGB24', 'RGB48'] });
    const flatbed = device.item('Root\\Flatbed');
    expect(flatbed.properties.get(WIA_IPA_DEPTH).valid).to.deep.equal({ kind: 'list', nominal: 24, values: [24, 48] });
    await device.writeProperties(flatbed, new Map([[WIA_IPA_DEPTH, 48], [WIA_IPS_XRES, 75]]));
    expect((await device.acquire(flatbed)).outcome).to.equal('completed');
    expect(scanner.control.jobs[0]!.settings.colorMode).to.equal('RGB48');
    await device.writeProperties(flatbed, new Map([[WIA_IPA_DATATYPE, WIA_DATA_GRAYSCALE]]));
    expect(flatbed.properties.value(WIA_IPA_DEPTH), 'a new data type starts at its default depth').to.equal(8);
    await device.writeProperties(flatbed, new Map([[WIA_IPA_DEPTH, 16]]));
    expect((await device.acquire(flatbed)).outcome).to.equal('completed');
    expect(scanner.control.jobs[1]!.settings.colorMode).to.equal('Grayscale16');
    const error = await device.writeProperties(flatbed, new Map([[WIA_IPA_DEPTH, 48]])).catch((err: unknown) => err);
    expect((error as WiaError).hresult).to.equal(E_INVALIDARG);
    await device.close();
  });

  it('offers the non-square resolutions a scanner lists (Kyocera/UTAX: 200×100, 200×400) as X/Y pairs', async () => {
    const { device, scanner } = await openScanner({ resolutions: [100, 200], nonSquareResolutions: [[200, 100], [200, 400]] });
    const flatbed = device.item('Root\\Flatbed');
    expect(flatbed.properties.get(WIA_IPS_YRES).valid).to.deep.include({ values: [100, 200, 400] });
    await device.writeProperties(flatbed, new Map([[WIA_IPS_YRES, 400]]));
    expect(flatbed.properties.value(WIA_IPS_XRES), 'X follows to the listed partner').to.equal(200);
    expect((await device.acquire(flatbed)).outcome).to.equal('completed');
    expect(scanner.control.jobs[0]!.settings).to.include({ xResolution: 200, yResolution: 400 });
    await device.writeProperties(flatbed, new Map([[WIA_IPS_XRES, 100]]));
    expect(flatbed.properties.value(WIA_IPS_YRES), 'back to a square pair').to.equal(100);
    const error = await device.writeProperties(flatbed, new Map([[WIA_IPS_XRES, 100], [WIA_IPS_YRES, 400]])).catch((err: unknown) => err);
    expect((error as WiaError).hresult).to.equal(E_INVALIDARG);
    await device.close();
  });

  it('refuses a value outside the scanner capabilities', async () => {
    const { device } = await openScanner();
    const error = await device.writeProperties(device.item('Root\\Flatbed'), new Map([[WIA_IPS_XRES, 1200]])).catch((err: unknown) => err);
    expect((error as WiaError).hresult).to.equal(E_INVALIDARG);
    await device.close();
  });

  it('malformed capabilities from the device fail the session open with a typed error', async () => {
    const scanner = createVirtualScanner();
    scanner.control.bodyOverrides.set('/eSCL/ScannerCapabilities', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>');
    const error = await WiaDevice.open(new EsclScannerDriver(scanner.device.createTransport()), { deviceId: 'sim:bad' }).catch((err: unknown) => err);
    expect(error).to.be.instanceOf(WiaError);
    expect((error as WiaError).hresult).to.equal(WIA_ERROR_DEVICE_COMMUNICATION);
  });

  it('a malformed ScannerStatus during a feeder job fails it with a typed error', async () => {
    const { device, scanner } = await openScanner({ feederSheets: 0 });
    scanner.control.bodyOverrides.set('/eSCL/ScannerStatus', '<scan:ScannerStatus><pwg:State>Idle</pwg:State><scan:Jobs></scan:ScannerStatus>');
    const report = await device.createTransfer('Root\\Feeder').transfer('download', 1, recordingApp().app);
    expect(report.error?.hresult).to.equal(WIA_ERROR_DEVICE_COMMUNICATION);
    await device.close();
  });
});
