import { expect } from 'chai';
import { WIA_ERROR_DEVICE_COMMUNICATION, WiaError, type WiaDevice } from '@openwia/core';
import { EsclServer } from './escl-http-server.js';
import { call, open, scanSettingsXml, until } from './escl-test-client-test-support.js';
import { ImageFeederDriver, imageFeederPages, openImageFeeder } from '@openwia/testkit';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('EsclServer (eSCL over HTTP, in front of the app API)', () => {
  let server: EsclServer;
  let device: WiaDevice;
  let driver: ImageFeederDriver;
  let base: string;
  let cancelIo: number;

  async function serve(options: Parameters<typeof openImageFeeder>[0] = {}): Promise<void> {
    ({ device, driver } = await openImageFeeder(options));
    cancelIo = 0;
    device.on('cancelIo', () => cancelIo++);
    server = await EsclServer.start([{ device, id: 'test:feeder' }]);
    base = server.urlOf(server.scanners[0]!);
  }

  afterEach(async () => {
    await server?.close();
    await device?.close();
  });

  it('listens on loopback unless told otherwise, and serves the first device under /eSCL too', async () => {
    await serve();
    expect(server.address.address).to.equal('127.0.0.1');
    expect(base).to.match(/\/test-feeder\/eSCL$/);
    const both = await Promise.all([call(`${base}/ScannerCapabilities`), call(base.replace('/test-feeder/eSCL', '/eSCL/ScannerCapabilities'))]);
    expect(both.map((a) => a.status)).to.deep.equal([200, 200]);
  });

  it('a scanner unplugged stays at its URL, Stopped, describes itself and refuses jobs; served again, plugged back in, it scans', async () => {
    await serve();
    const scanner = server.scanners[0]!;
    const capabilities = (await call(`${base}/ScannerCapabilities`)).body.toString();
    scanner.detach();
    await device.close();
    expect((await call(`${base}/ScannerStatus`)).body.toString()).to.contain('<pwg:State>Stopped</pwg:State>');
    expect((await call(`${base}/ScannerCapabilities`)).body.toString()).to.equal(capabilities);
    const refused = await call(`${base}/ScanJobs`, 'POST', scanSettingsXml());
    expect([refused.status, refused.headers['retry-after']]).to.deep.equal([503, '5']);

    ({ device } = await openImageFeeder());
    expect(server.serve({ device, id: 'test:feeder' })).to.equal(scanner);
    expect(server.urlOf(scanner)).to.equal(base);
    expect((await call(`${base}/ScannerStatus`)).body.toString()).to.contain('<pwg:State>Idle</pwg:State>');
    const created = await call(`${base}/ScanJobs`, 'POST', scanSettingsXml());
    expect(created.status).to.equal(201);
    expect((await call(`http://127.0.0.1:${server.address.port}${String(created.headers.location)}/NextDocument`)).status).to.equal(200);
  });

  it('serves a device that comes while it runs under a path of its own, and a second one of an id already served (and attached) under that path plus -2', async () => {
    await serve();
    const { device: other } = await openImageFeeder();
    try {
      const added = server.serve({ device: other, id: 'test:other' });
      expect(server.scanners).to.have.length(2);
      expect(server.urlOf(added)).to.match(/\/test-other\/eSCL$/);
      expect((await call(`${server.urlOf(added)}/ScannerStatus`)).status).to.equal(200);
      expect(server.serve({ device: other, id: 'test:feeder' })).to.not.equal(server.scanners[0]);
      expect(server.urlOf(server.scanners[2]!)).to.match(/\/test-feeder-2\/eSCL$/);
    } finally {
      await other.close();
    }
  });

  it('generates ScannerCapabilities from the WIA properties of the feeder item', async () => {
    await serve();
    const xml = (await call(`${base}/ScannerCapabilities`)).body.toString();
    expect(xml).to.contain('<scan:AdfSimplexInputCaps>').and.not.contain('AdfDuplexInputCaps').and.not.contain('<scan:Platen>');
    expect(xml).to.contain('<scan:XResolution>100</scan:XResolution>');
    expect(xml).to.contain('<scan:ColorMode>Grayscale8</scan:ColorMode><scan:ColorMode>RGB24</scan:ColorMode>');
    expect(xml).to.contain('<pwg:DocumentFormat>image/png</pwg:DocumentFormat>');
    // 850 px at 100 dpi = 8.5 in = 2550 / 300 in.
    expect(xml).to.contain('<scan:MaxWidth>2550</scan:MaxWidth>').and.contain('<scan:MaxHeight>3300</scan:MaxHeight>');
  });

  it('runs a feeder job: 201 with an unguessable job URI, every page whole, then 404 and Completed', async () => {
    await serve();
    const created = await call(`${base}/ScanJobs`, 'POST', scanSettingsXml());
    expect(created.status).to.equal(201);
    const job = String(created.headers.location);
    expect(job).to.match(/\/ScanJobs\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const expected = imageFeederPages(3);
    for (const page of expected) {
      const answer = await call(`http://127.0.0.1:${server.address.port}${job}/NextDocument`);
      expect(answer.status).to.equal(200);
      expect(answer.headers['content-type']).to.equal('image/png');
      expect(answer.body.subarray(0, 8)).to.deep.equal(PNG_SIGNATURE);
      expect(Buffer.compare(answer.body, Buffer.from(page.data))).to.equal(0);
    }
    expect((await call(`http://127.0.0.1:${server.address.port}${job}/NextDocument`)).status).to.equal(404);
    const status = (await call(`${base}/ScannerStatus`)).body.toString();
    expect(status).to.contain('<pwg:State>Idle</pwg:State>').and.contain('<pwg:JobState>Completed</pwg:JobState>').and.contain('<pwg:ImagesCompleted>3</pwg:ImagesCompleted>');
  });

  it('answers NextDocument with 500 and the reason, not 404, once a job failed after it started: the client must not take it for the end of the feed', async () => {
    const stopsAnswering = async (item: string): Promise<void> => {
      if (item === 'Page2') throw new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, 'the scanner stopped answering');
    };
    await serve({ readDelay: stopsAnswering });
    const created = await call(`${base}/ScanJobs`, 'POST', scanSettingsXml());
    expect(created.status).to.equal(201);
    const job = `http://127.0.0.1:${server.address.port}${String(created.headers.location)}`;
    expect((await call(`${job}/NextDocument`)).status).to.equal(200);
    const failed = await call(`${job}/NextDocument`);
    expect(failed.status).to.equal(500);
    expect(failed.body.toString()).to.match(/^the scan job failed after 1 page\(s\): .*the scanner stopped answering/);
    // Asked again, the same answer: the job's end does not change.
    expect((await call(`${job}/NextDocument`)).status).to.equal(500);
    const status = (await call(`${base}/ScannerStatus`)).body.toString();
    expect(status).to.contain('<pwg:JobState>Aborted</pwg:JobState>').and.contain('<pwg:ImagesCompleted>1</pwg:ImagesCompleted>');
  });

  it('turns ImagesToTransfer into WIA_IPS_PAGES (2 of 3 pages, then 404 and Completed), ignores an Intent it cannot act on, has no ScanImageInfo', async () => {
    await serve();
    const created = await call(`${base}/ScanJobs`, 'POST', scanSettingsXml({ intent: 'BusinessCard', imagesToTransfer: 2 }));
    expect(created.status).to.equal(201);
    const job = `http://127.0.0.1:${server.address.port}${String(created.headers.location)}`;
    expect((await call(`${job}/NextDocument`)).status).to.equal(200);
    expect((await call(`${job}/ScanImageInfo`)).status).to.equal(404);
    expect((await call(`${job}/NextDocument`)).status).to.equal(200);
    expect((await call(`${job}/NextDocument`)).status).to.equal(404);
    const status = (await call(`${base}/ScannerStatus`)).body.toString();
    expect(status).to.contain('<pwg:JobState>Completed</pwg:JobState>').and.contain('<pwg:ImagesCompleted>2</pwg:ImagesCompleted>');
  });

  it('answers a second job with 503 and Retry-After while one runs', async () => {
    await serve({ hangOnItem: 'Page1' });
    expect((await call(`${base}/ScanJobs`, 'POST', scanSettingsXml())).status).to.equal(201);
    const second = await call(`${base}/ScanJobs`, 'POST', scanSettingsXml());
    expect(second.status).to.equal(503);
    expect(second.headers['retry-after']).to.equal('2');
  });

  for (const how of ['DELETE', 'disconnect'] as const) {
    it(`cancels through the contract on ${how} mid-page: CANCEL_IO once, job Canceled, the next job works`, async () => {
      let release: (() => void) | undefined;
      let blocked = false;
      await serve({
        chunkSize: 4096,
        readDelay: (item, offset, signal) =>
          item === 'Page1' && offset > 0 && !release
            ? new Promise<void>((_resolve, reject) => {
                blocked = true;
                signal.addEventListener('abort', () => reject(signal.reason), { once: true });
              })
            : Promise.resolve(),
      });
      const job = String((await call(`${base}/ScanJobs`, 'POST', scanSettingsXml())).headers.location);
      const jobUrl = `http://127.0.0.1:${server.address.port}${job}`;
      const page = await open(`${jobUrl}/NextDocument`);
      expect(page.statusCode).to.equal(200);
      await until(() => blocked);
      if (how === 'DELETE') expect((await call(jobUrl, 'DELETE')).status).to.equal(200);
      else page.destroy();
      await server.scanners[0]!.activeJob?.settled;
      await until(() => !device.busy);
      expect(cancelIo).to.equal(1);
      expect((await call(`${base}/ScannerStatus`)).body.toString()).to.contain('<pwg:JobState>Canceled</pwg:JobState>');
      release = () => undefined;
      const next = await call(`${base}/ScanJobs`, 'POST', scanSettingsXml());
      expect(next.status).to.equal(201);
      const again = await call(`http://127.0.0.1:${server.address.port}${String(next.headers.location)}/NextDocument`);
      expect(Buffer.compare(again.body, Buffer.from(driver.contentOf('Page1')))).to.equal(0);
    });
  }

  it('lets a client that stops reading hold back the device: bytes read stay bounded, far below the page', async () => {
    const pageBytes = 32 * 1024 * 1024;
    await serve({ items: [{ name: 'Page1', data: pageBytes }], chunkSize: 64 * 1024 });
    let deviceBytes = 0;
    const job = String((await call(`${base}/ScanJobs`, 'POST', scanSettingsXml())).headers.location);
    const res = await open(`http://127.0.0.1:${server.address.port}${job}/NextDocument`);
    res.pause();
    // Wait until the device reads stop; without backpressure they would run to the end of the page.
    let last = -1;
    while (deviceBytes !== last || deviceBytes === 0) {
      last = deviceBytes;
      await new Promise((resolve) => setTimeout(resolve, 100));
      deviceBytes = driver.log.reads * 64 * 1024;
    }
    // What is read sits in the page buffer and the loopback socket's kernel buffers (a few MiB at most).
    expect(deviceBytes).to.be.below(pageBytes / 2);
    res.destroy();
    await until(() => !device.busy);
    expect(cancelIo).to.equal(1);
  });

  it('refuses oversized, DTD-carrying and malformed settings, and unknown paths', async () => {
    await serve();
    expect((await call(`${base}/ScanJobs`, 'POST', Buffer.alloc(64 * 1024, 0x20))).status).to.equal(413);
    const dtd = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03">&a;</scan:ScanSettings>`;
    expect((await call(`${base}/ScanJobs`, 'POST', dtd)).status).to.equal(400);
    expect((await call(`${base}/ScanJobs`, 'POST', '<scan:ScanSettings')).status).to.equal(400);
    expect((await call(`${base}/ScanJobs`, 'POST', scanSettingsXml({ resolution: 600 }))).status).to.equal(409);
    expect((await call(`${base}/ScanJobs`, 'POST', scanSettingsXml({ source: 'Platen' }))).status).to.equal(409);
    expect((await call(`${base}/ScanJobs/../../../etc/passwd`)).status).to.equal(404);
    expect((await call(`${base}/ScanJobs/00000000-0000-4000-8000-000000000000/NextDocument`)).status).to.equal(404);
    expect((await call(`${base}/ScannerCapabilities`, 'DELETE')).status).to.equal(405);
    expect(device.busy).to.equal(false);
  });

  it('maps an empty feeder to 409 and AdfState ScannerAdfEmpty', async () => {
    await serve({ pagesAvailable: 0 });
    expect((await call(`${base}/ScanJobs`, 'POST', scanSettingsXml())).status).to.equal(409);
    expect((await call(`${base}/ScannerStatus`)).body.toString()).to.contain('<scan:AdfState>ScannerAdfEmpty</scan:AdfState>');
  });
});
