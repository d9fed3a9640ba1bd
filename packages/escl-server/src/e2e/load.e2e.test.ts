import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import type { WiaDevice } from '@openwia/core';
import { EsclServer } from '../escl-http-server.js';
import { call, open, scanSettingsXml, until } from '../escl-test-client-test-support.js';
import { ImageFeederDriver, openImageFeeder } from '@openwia/testkit';

const DEVICES = 4;
const CLIENTS = 16;
const JOBS_PER_CLIENT = 2;
const PAGE_BYTES = 512 * 1024;

/** One client's job: POST (503 retried, bounded), every page read whole, then 404. */
async function runJob(origin: string, base: string, slow: boolean): Promise<{ pages: Buffer[]; retries: number }> {
  let retries = 0;
  for (;;) {
    const created = await call(`${origin}${base}/ScanJobs`, 'POST', scanSettingsXml()).catch((err: Error) => Promise.reject(new Error(`POST: ${err.message}`)));
    if (created.status === 201) {
      const pages: Buffer[] = [];
      for (let n = 0; n < 10; n++) {
        const res = await open(`${origin}${String(created.headers.location)}/NextDocument`).catch((err: Error) => Promise.reject(new Error(`NextDocument ${n}: ${err.message}`)));
        if (res.statusCode === 404) {
          res.resume();
          return { pages, retries };
        }
        const chunks: Buffer[] = [];
        for await (const chunk of res) {
          chunks.push(chunk as Buffer);
          if (slow) await sleep(1);
        }
        pages.push(Buffer.concat(chunks));
      }
      throw new Error('more pages than the feeder holds');
    }
    expect(created.status, 'only 503 may refuse a job here').to.equal(503);
    if (++retries > 10_000) throw new Error('the device stayed busy');
    await sleep(2);
  }
}

/** Loopback load: 16 clients on 4 served devices, slow readers and a stalled one; everything ends by itself. */
describe('eSCL server under load (16 clients × 4 devices, loopback)', function () {
  this.timeout(120_000);
  let server: EsclServer;
  const devices: Array<{ device: WiaDevice; driver: ImageFeederDriver; cancelIo: number }> = [];

  before(async () => {
    for (let n = 0; n < DEVICES; n++) {
      const { device, driver } = await openImageFeeder({ items: [1, 2].map((p) => ({ name: `Page${p}`, data: PAGE_BYTES + n * 1000 + p })), chunkSize: 32 * 1024 }, `load:${n}`);
      const entry = { device, driver, cancelIo: 0 };
      device.on('cancelIo', () => entry.cancelIo++);
      devices.push(entry);
    }
    server = await EsclServer.start(devices.map(({ device }, n) => ({ device, id: `load:${n}` })), { idleSocketMs: 5000, abandonedJobMs: 3000 });
  });

  after(async () => {
    await server.close();
    for (const { device } of devices) await device.close();
  });

  it('completes every job whole, cuts off a stalled reader, and leaves every device idle', async () => {
    const origin = `http://127.0.0.1:${server.address.port}`;
    const stalled = (async () => {
      // Client 0 stalls on device 0: it reads nothing after the head and never closes; the server cuts it off
      // (socket idle, or the job abandoned once the page fits in the socket buffers).
      const created = await call(`${origin}${server.scanners[0]!.options.basePath}/ScanJobs`, 'POST', scanSettingsXml());
      const res = await open(`${origin}${String(created.headers.location)}/NextDocument`);
      res.pause();
      res.on('error', () => undefined);
      await until(() => devices[0]!.cancelIo === 1);
      res.destroy();
    })();
    const clients = Array.from({ length: CLIENTS - 1 }, async (_, c) => {
      const device = (c + 1) % DEVICES;
      const results = [];
      for (let j = 0; j < JOBS_PER_CLIENT; j++) results.push({ device, ...(await runJob(origin, server.scanners[device]!.options.basePath, c < 4)) });
      return results;
    });
    const jobs = (await Promise.all(clients)).flat();
    await stalled;
    expect(jobs).to.have.length((CLIENTS - 1) * JOBS_PER_CLIENT);
    for (const job of jobs) {
      const { driver } = devices[job.device]!;
      expect(job.pages.map((p, i) => Buffer.compare(p, Buffer.from(driver.contentOf(`Page${i + 1}`))))).to.deep.equal([0, 0]);
    }
    await until(() => devices.every(({ device }) => !device.busy) && server.scanners.every((s) => s.activeJob === undefined));
    expect(devices.map((d) => d.cancelIo)).to.deep.equal([1, 0, 0, 0]);
    const status = await call(`${server.urlOf(server.scanners[0]!)}/ScannerStatus`);
    expect(status.body.toString()).to.contain('<pwg:JobState>Canceled</pwg:JobState>');
  });
});
