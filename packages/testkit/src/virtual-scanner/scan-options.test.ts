import { expect } from 'chai';
import { ManualTimers } from '@openwia/core';
import { DOMParser } from '@xmldom/xmldom';
import type { AddressInfo } from 'node:net';
import type { VirtualScanJob } from './scanner-state.js';
import { createVirtualScanner, type VirtualScanner, type VirtualScannerOptions } from './virtual-scanner.js';

/**
 * The virtual scanner's AutoColorDetection, SupportedIntents,
 * ImagesToTransfer, ScanImageInfo and abandoned jobs, spoken to over plain
 * HTTP (its server put on loopback for the test) — no plugin involved.
 */
const SCAN_NS = 'http://schemas.hp.com/imaging/escl/2011/05/03';
const NS = `xmlns:scan="${SCAN_NS}" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"`;

function settings(extra: string, source = 'Feeder'): string {
  return (
    `<?xml version="1.0"?><scan:ScanSettings ${NS}><pwg:Version>2.63</pwg:Version>${extra}` +
    `<pwg:ScanRegions><pwg:ScanRegion><pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset><pwg:Width>300</pwg:Width><pwg:Height>400</pwg:Height></pwg:ScanRegion></pwg:ScanRegions>` +
    `<pwg:InputSource>${source}</pwg:InputSource><scan:XResolution>75</scan:XResolution><scan:YResolution>75</scan:YResolution>` +
    `<pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat></scan:ScanSettings>`
  );
}

function texts(xml: string, name: string): string[] {
  const list = new DOMParser().parseFromString(xml, 'text/xml').getElementsByTagNameNS(SCAN_NS, name);
  return Array.from({ length: list.length }, (_, i) => list.item(i)!.textContent ?? '');
}

describe('virtual scanner: automatic colour, intents, ImagesToTransfer, ScanImageInfo, abandoned jobs', () => {
  let scanner: VirtualScanner;
  let base: string;

  async function start(options: VirtualScannerOptions): Promise<void> {
    scanner = createVirtualScanner({ maxWidth: 300, maxHeight: 400, resolutions: [75], ...options });
    await new Promise<void>((resolve) => scanner.server.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(scanner.server.server.address() as AddressInfo).port}`;
  }

  async function createJob(body: string): Promise<{ status: number; uri: string }> {
    const res = await fetch(`${base}/eSCL/ScanJobs`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
    await res.arrayBuffer();
    return { status: res.status, uri: new URL(res.headers.get('location') ?? '/', base).pathname };
  }

  async function get(path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()).toString('latin1') };
  }

  const nextJobEnded = (): Promise<VirtualScanJob> => new Promise((resolve) => scanner.control.once('jobEnded', resolve));

  afterEach(async () => {
    scanner.server.server.closeAllConnections();
    await new Promise((resolve) => scanner.server.server.close(resolve));
    scanner.device.unplug();
  });

  it('lists scan:AutoColorDetection and the configured intents on every source', async () => {
    await start({ autoColorDetection: true, intents: ['Document', 'Object', 'BusinessCard'], duplex: true });
    const caps = (await get('/eSCL/ScannerCapabilities')).body;
    expect(texts(caps, 'ColorMode').filter((m) => m === 'scan:AutoColorDetection')).to.have.length(3);
    expect(texts(caps, 'Intent')).to.deep.equal(['Document', 'Object', 'BusinessCard', 'Document', 'Object', 'BusinessCard', 'Document', 'Object', 'BusinessCard']);
  });

  it('refuses (409) automatic colour when not listed, and an intent it does not list', async () => {
    await start({ intents: ['Photo'] });
    expect((await createJob(settings('<scan:ColorMode>scan:AutoColorDetection</scan:ColorMode>'))).status).to.equal(409);
    expect((await createJob(settings('<scan:Intent>Document</scan:Intent>'))).status).to.equal(409);
    expect((await createJob(settings('<scan:Intent>Photo</scan:Intent>'))).status).to.equal(201);
  });

  it('with automatic colour, reports ColorDetected per page in ScanImageInfo (colour on odd pages)', async () => {
    await start({ autoColorDetection: true, feederSheets: 2 });
    const { uri } = await createJob(settings('<scan:ColorMode>AutoColorDetection</scan:ColorMode>'));
    expect((await get(`${uri}/ScanImageInfo`)).status, 'no page yet').to.equal(404);
    const found: string[] = [];
    for (let page = 0; page < 2; page++) {
      expect((await get(`${uri}/NextDocument`)).status).to.equal(200);
      const info = (await get(`${uri}/ScanImageInfo`)).body;
      found.push(texts(info, 'ColorDetected')[0]!);
      expect([texts(info, 'ActualWidth')[0], texts(info, 'ActualHeight')[0]]).to.deep.equal(['75', '100']);
    }
    expect(found).to.deep.equal(['true', 'false']);
  });

  it('honours ImagesToTransfer: feeds that many sheets, completes the job with the last page, then 404', async () => {
    await start({ feederSheets: 10 });
    const { uri } = await createJob(settings('<scan:ImagesToTransfer>2</scan:ImagesToTransfer>'));
    expect((await get(`${uri}/NextDocument`)).status).to.equal(200);
    expect((await get(`${uri}/NextDocument`)).status).to.equal(200);
    expect(scanner.control.jobs[0]!.state, 'completed before anyone asks again').to.equal('Completed');
    expect((await get(`${uri}/NextDocument`)).status).to.equal(404);
    expect(scanner.control.feederSheets).to.equal(8);
  });

  it('answers ScanImageInfo with 404 when set not to serve it', async () => {
    await start({ feederSheets: false });
    scanner.control.serveImageInfo = false;
    const { uri } = await createJob(settings('', 'Platen'));
    expect((await get(`${uri}/NextDocument`)).status).to.equal(200);
    expect((await get(`${uri}/ScanImageInfo`)).status).to.equal(404);
  });

  it('aborts a job nobody reads (AbortedBySystem) and is Idle again for the next client', async () => {
    const clock = new ManualTimers();
    await start({ feederSheets: 3, abandonedJobMs: 30_000, clock });
    expect((await createJob(settings(''))).status).to.equal(201);
    expect((await createJob(settings(''))).status, 'busy while the first job waits').to.equal(503);
    const job = scanner.control.jobs[0]!;
    clock.advance(29_999);
    expect(job.state, 'not yet').to.equal('Pending');
    clock.advance(1);
    expect([job.state, job.reason]).to.deep.equal(['Aborted', 'AbortedBySystem']);
    expect(scanner.control.state).to.equal('Idle');
    expect((await createJob(settings(''))).status).to.equal(201);
  });

  it('never aborts a job while a page is being read, however long the page takes, and waits afresh after it', async () => {
    const clock = new ManualTimers();
    await start({ feederSheets: 2, abandonedJobMs: 1000, scanDelayMs: 50, clock });
    const { uri } = await createJob(settings(''));
    const job = scanner.control.jobs[0]!;
    const pageStarted = new Promise<void>((resolve) => scanner.control.once('pageStarted', () => resolve()));
    const reading = get(`${uri}/NextDocument`);
    await pageStarted;
    clock.advance(60_000);
    const page = await reading;
    expect(page.status).to.equal(200);
    expect(page.body.endsWith('\xff\xd9'), 'the whole JPEG, not a page cut off').to.equal(true);
    // The server arms the wait when its response closes, which the client may see a few turns after the body.
    for (let turn = 0; turn < 1000 && clock.pendingCount === 0; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(clock.pendingCount, 'the wait for the next reader is armed').to.equal(1);
    clock.advance(999);
    expect(job.state, 'the wait starts afresh after the page').to.equal('Processing');
    clock.advance(1);
    expect([job.state, job.reason, job.imagesCompleted]).to.deep.equal(['Aborted', 'AbortedBySystem', 1]);
  });

  it('ends a deleted job Canceled after its settle time, not aborted as abandoned meanwhile', async () => {
    const clock = new ManualTimers();
    await start({ feederSheets: 1, abandonedJobMs: 10, clock });
    scanner.control.cancelSettleMs = 60;
    const { uri } = await createJob(settings(''));
    const ended = nextJobEnded();
    const deleted = await fetch(`${base}${uri}`, { method: 'DELETE' });
    await deleted.arrayBuffer();
    expect(clock.pendingCount, 'a deleted job is not waited for').to.equal(0);
    clock.advance(1000);
    const job = await ended;
    expect([job.state, job.reason]).to.deep.equal(['Canceled', 'JobCanceledByUser']);
  });
});
