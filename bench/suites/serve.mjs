// openwia serve: throughput through eSCL server → network client against a
// direct acquire of the same device (ratio in one run), cancel latency from
// the client's DELETE or disconnect to CANCEL_IO at the driver and to the
// device idle, and a load run on loopback (16 clients × 4 served devices,
// slow and stalled readers) with peak memory.
import { Agent, createServer, request } from 'node:http';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  FEEDER, WIA_CATEGORY_FEEDER, WIA_DATA_COLOR, WIA_IPA_DATATYPE, WIA_IPA_FORMAT, WIA_IPS_DOCUMENT_HANDLING_SELECT,
  WIA_IPS_XEXTENT, WIA_IPS_XRES, WIA_IPS_YEXTENT, WIA_IPS_YRES, WIA_PROP_READ, WIA_PROP_RW, WiaDevice, WiaImgFmt_PNG,
} from '@openwia/core';
import { openEsclNetworkScanner } from '@openwia/device-plugins';
import { EsclServer } from '@openwia/escl-server';
import { MemoryMiniDriver } from '@openwia/testkit';
import { median, summarize } from '../lib/stats.mjs';

const MiB = 1024 * 1024;
const SETTINGS = `<?xml version="1.0" encoding="UTF-8"?><scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"><pwg:Version>2.0</pwg:Version><pwg:InputSource>Feeder</pwg:InputSource><scan:ColorMode>RGB24</scan:ColorMode><pwg:DocumentFormat>image/png</pwg:DocumentFormat><scan:XResolution>100</scan:XResolution><scan:YResolution>100</scan:YResolution></scan:ScanSettings>`;

/** The in-memory feeder with a scanner's imaging properties: a non-eSCL device the server can serve. */
class BenchFeeder extends MemoryMiniDriver {
  async initItemProperties(item) {
    if (item.category !== WIA_CATEGORY_FEEDER) return;
    const p = item.properties;
    const list = (value, values) => ({ kind: 'list', nominal: value, values });
    p.define({ id: WIA_IPS_XRES, name: 'WIA_IPS_XRES', access: WIA_PROP_RW, value: 100, valid: list(100, [100]) });
    p.define({ id: WIA_IPS_YRES, name: 'WIA_IPS_YRES', access: WIA_PROP_RW, value: 100, valid: list(100, [100]) });
    p.define({ id: WIA_IPA_DATATYPE, name: 'WIA_IPA_DATATYPE', access: WIA_PROP_RW, value: WIA_DATA_COLOR, valid: list(WIA_DATA_COLOR, [WIA_DATA_COLOR]) });
    p.define({ id: WIA_IPA_FORMAT, name: 'WIA_IPA_FORMAT', access: WIA_PROP_RW, value: WiaImgFmt_PNG, valid: list(WiaImgFmt_PNG, [WiaImgFmt_PNG]) });
    p.define({ id: WIA_IPS_XEXTENT, name: 'WIA_IPS_XEXTENT', access: WIA_PROP_READ, value: 850 });
    p.define({ id: WIA_IPS_YEXTENT, name: 'WIA_IPS_YEXTENT', access: WIA_PROP_READ, value: 1100 });
    p.define({ id: WIA_IPS_DOCUMENT_HANDLING_SELECT, name: 'WIA_IPS_DOCUMENT_HANDLING_SELECT', access: WIA_PROP_RW, value: FEEDER, valid: { kind: 'flag', nominal: FEEDER, bits: FEEDER } });
  }
}

export function openFeeder(id, options) {
  const driver = new BenchFeeder({ folderName: 'Feeder', feeder: true, chunkSize: 64 * 1024, ...options });
  return WiaDevice.open(driver, { deviceId: id }).then((device) => ({ device, driver }));
}

const pages = (count, bytes) => Array.from({ length: count }, (_, n) => ({ name: `Page${n + 1}`, data: bytes }));

/** A destination that counts and drops. */
class CountingSink extends Writable {
  bytes = 0;
  _write(chunk, _encoding, done) {
    this.bytes += chunk.length;
    done();
  }
}

/** One HTTP exchange; resolves with the response (body unread). */
function send(url, method, agent, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: body ? { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) } : {} }, resolve);
    req.on('error', reject);
    req.end(body);
  });
}

async function drainText(res) {
  let text = '';
  for await (const chunk of res) text += chunk;
  return text;
}

async function drain(res, perChunk) {
  let bytes = 0;
  for await (const chunk of res) {
    bytes += chunk.length;
    if (perChunk) await perChunk();
  }
  return bytes;
}

/** Runs one eSCL job as a client: POST (retrying 503 a bounded number of times), every page, 404. */
export async function clientJob(origin, base, agent, { perChunk, stallAfterBytes, maxRetries = 400 } = {}) {
  let res;
  let retries = 0;
  for (;;) {
    res = await send(`${origin}${base}/ScanJobs`, 'POST', agent, SETTINGS);
    res.resume();
    if (res.statusCode !== 503) break;
    if (++retries > maxRetries) return { outcome: 'gave-up', retries, bytes: 0 };
    await sleep(5 + Math.random() * 10);
  }
  if (res.statusCode !== 201) return { outcome: `status ${res.statusCode}`, retries, bytes: 0 };
  const job = res.headers.location;
  let bytes = 0;
  for (let page = 0; page < 1000; page++) {
    const doc = await send(`${origin}${job}/NextDocument`, 'GET', agent);
    if (doc.statusCode === 404) {
      doc.resume();
      return { outcome: 'completed', retries, bytes };
    }
    if (stallAfterBytes !== undefined) {
      // A reader that stops: read a little, then hold the socket without reading (so it cannot even see
      // the server close it) until the server has cut the job off.
      doc.on('error', () => undefined);
      let seen = 0;
      doc.on('data', (chunk) => {
        seen += chunk.length;
        if (seen >= stallAfterBytes) doc.pause();
      });
      const uuid = job.split('/').pop();
      for (let poll = 0; poll < 2000; poll++) {
        await sleep(20);
        const status = await send(`${origin}${base}/ScannerStatus`, 'GET', undefined);
        const xml = (await drainText(status));
        const state = new RegExp(`${uuid}</pwg:JobUuid>.*?<pwg:JobState>(\\w+)<`).exec(xml)?.[1];
        if (state === 'Canceled' || state === 'Aborted' || state === 'Completed') {
          doc.destroy();
          return { outcome: state === 'Canceled' ? 'stalled' : `stalled but ${state}`, retries, bytes: 0 };
        }
      }
      doc.destroy();
      return { outcome: 'stalled and never cut off', retries, bytes: 0 };
    }
    bytes += await drain(doc, perChunk).catch(() => NaN);
  }
  return { outcome: 'too-many-pages', retries, bytes };
}

/** Node's own http server streaming the same bytes from memory: what loopback HTTP can do on this machine now. */
async function rawHttpMBps(total) {
  const chunk = Buffer.alloc(64 * 1024);
  const server = createServer((_req, res) => {
    res.writeHead(200);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!res.write(chunk)) return res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const t0 = performance.now();
  const res = await send(`http://127.0.0.1:${server.address().port}/`, 'GET', undefined);
  const bytes = await drain(res);
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((resolve) => server.close(resolve));
  return bytes / MiB / seconds;
}

async function throughput(quick) {
  const pageBytes = new Uint8Array(quick ? 4 * MiB : 8 * MiB);
  const count = 8;
  const { device } = await openFeeder('bench:feeder', { items: pages(count, pageBytes) });
  const server = await EsclServer.start([{ device, id: 'bench:feeder' }]);
  const base = server.scanners[0].options.basePath;
  const origin = `http://127.0.0.1:${server.address.port}`;
  const network = await openEsclNetworkScanner(`escl:${server.urlOf(server.scanners[0])}`);
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const total = pageBytes.length * count;
  const ratios = { http: [], plugin: [] };
  const mbps = { direct: [], http: [], plugin: [], raw: [] };
  const rounds = quick ? 3 : 5;
  for (let round = 0; round < rounds; round++) {
    let t0 = performance.now();
    await device.acquire('Root\\Feeder', { destination: () => new CountingSink() });
    const direct = performance.now() - t0;
    t0 = performance.now();
    const served = await clientJob(origin, base, agent);
    const http = performance.now() - t0;
    if (served.bytes !== total) throw new Error(`served ${served.bytes} bytes, expected ${total}`);
    t0 = performance.now();
    const viaPlugin = await network.acquire('Root\\Feeder', { destination: () => new CountingSink() });
    const plugin = performance.now() - t0;
    if (viaPlugin.outcome !== 'completed') throw new Error(`plugin over TCP: ${viaPlugin.outcome}`);
    mbps.raw.push(await rawHttpMBps(total));
    ratios.http.push(direct / http);
    ratios.plugin.push(direct / plugin);
    mbps.direct.push(total / MiB / (direct / 1000));
    mbps.http.push(total / MiB / (http / 1000));
    mbps.plugin.push(total / MiB / (plugin / 1000));
  }
  agent.destroy();
  await network.close();
  await server.close();
  await device.close();
  const r = (x) => Number(x.toFixed(3));
  return {
    pageMiB: pageBytes.length / MiB,
    pages: count,
    rounds,
    directMBps: r(median(mbps.direct)),
    httpClientMBps: r(median(mbps.http)),
    pluginOverTcpMBps: r(median(mbps.plugin)),
    rawNodeHttpMBps: r(median(mbps.raw)),
    httpVsDirect: r(median(ratios.http)),
    pluginVsDirect: r(median(ratios.plugin)),
  };
}

async function cancelLatency(quick) {
  const runs = quick ? 15 : 60;
  let heldRead;
  const { device } = await openFeeder('bench:cancel', {
    items: pages(2, 4 * MiB),
    readDelay: (item, offset, signal) => {
      if (offset === 0) return Promise.resolve();
      return new Promise((_resolve, reject) => {
        heldRead?.();
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  });
  const server = await EsclServer.start([{ device, id: 'bench:cancel' }]);
  const base = server.scanners[0].options.basePath;
  const origin = `http://127.0.0.1:${server.address.port}`;
  let cancelIoAt = NaN;
  let settledAt = NaN;
  device.on('cancelIo', () => (cancelIoAt = performance.now()));
  device.on('transferSettled', () => (settledAt = performance.now()));
  const result = {};
  for (const how of ['delete', 'disconnect']) {
    const toCancelIo = [];
    const toIdle = [];
    for (let i = 0; i < runs; i++) {
      const agent = new Agent({ keepAlive: true, maxSockets: 2 });
      const held = new Promise((resolve) => (heldRead = resolve));
      const created = await send(`${origin}${base}/ScanJobs`, 'POST', agent, SETTINGS);
      created.resume();
      const job = created.headers.location;
      const doc = await send(`${origin}${job}/NextDocument`, 'GET', agent);
      doc.on('error', () => undefined);
      doc.resume();
      await held;
      cancelIoAt = NaN;
      settledAt = NaN;
      const settled = new Promise((resolve) => device.once('transferSettled', resolve));
      const t0 = performance.now();
      if (how === 'delete') (await send(`${origin}${job}`, 'DELETE', agent)).resume();
      else doc.destroy();
      await settled;
      toCancelIo.push(cancelIoAt - t0);
      toIdle.push(settledAt - t0);
      agent.destroy();
      while (device.busy) await sleep(1);
    }
    result[how] = { toCancelIo: summarize(toCancelIo), toIdle: summarize(toIdle) };
  }
  await server.close();
  await device.close();
  return result;
}

async function load(quick) {
  const devices = 4;
  const clients = 16;
  const jobsPerClient = quick ? 2 : 4;
  const pageBytes = new Uint8Array(2 * MiB);
  const opened = await Promise.all(Array.from({ length: devices }, (_, n) => openFeeder(`bench:load${n}`, { items: pages(3, pageBytes) })));
  const server = await EsclServer.start(opened.map(({ device }, n) => ({ device, id: `bench:load${n}` })), { abandonedJobMs: 5000, idleSocketMs: 1000 });
  const origin = `http://127.0.0.1:${server.address.port}`;
  const cancelledBy = {};
  for (const scanner of server.scanners) scanner.observer = { jobCancelled: (_uuid, why) => (cancelledBy[why] = (cancelledBy[why] ?? 0) + 1) };
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  let peakRss = rss0;
  let peakHeap = heap0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 2 });
      const base = server.scanners[c % devices].options.basePath;
      // Clients 0-3 read slowly (a pause every chunk); clients 4-5 stall mid-page on their first job.
      const kind = c < 4 ? 'slow' : c < 6 ? 'stall' : 'fast';
      const results = [];
      for (let j = 0; j < jobsPerClient; j++) {
        const options = { maxRetries: 3000, ...(kind === 'slow' ? { perChunk: () => sleep(1) } : kind === 'stall' && j === 0 ? { stallAfterBytes: 256 * 1024 } : {}) };
        results.push(await clientJob(origin, base, agent, options).catch((err) => ({ outcome: `error ${err.code ?? err.message} (${kind} job ${j})`, retries: 0, bytes: 0 })));
        if (process.env.SERVE_BENCH_DEBUG) console.error(c, kind, j, JSON.stringify(results.at(-1)));
      }
      agent.destroy();
      return results;
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const flat = outcomes.flat();
  const bytes = flat.reduce((sum, r) => sum + (Number.isFinite(r.bytes) ? r.bytes : 0), 0);
  const completed = flat.filter((r) => r.outcome === 'completed');
  const fullJob = pageBytes.length * 3;
  await server.close();
  await Promise.all(opened.map(({ device }) => device.close()));
  return {
    devices,
    clients,
    jobs: flat.length,
    completed: completed.length,
    completedWhole: completed.filter((r) => r.bytes === fullJob).length,
    stalledAndCancelled: flat.filter((r) => r.outcome === 'stalled').length,
    other: flat.filter((r) => !['completed', 'stalled'].includes(r.outcome)).map((r) => r.outcome),
    serverCancelled: cancelledBy,
    retries503: flat.reduce((sum, r) => sum + r.retries, 0),
    servedMiB: Number((bytes / MiB).toFixed(1)),
    aggregateMBps: Number((bytes / MiB / seconds).toFixed(1)),
    seconds: Number(seconds.toFixed(2)),
    peakRssGrowthMiB: Number(((peakRss - rss0) / MiB).toFixed(1)),
    peakHeapGrowthMiB: Number(((peakHeap - heap0) / MiB).toFixed(1)),
  };
}

const ms = (x) => `p50 ${x.p50} / p99 ${x.p99} / max ${x.max} ms`;

/** The rows `npm run bench` prints for this suite. */
export function serveRows(s) {
  const t = s.throughput;
  const c = s.cancelLatencyMs;
  const l = s.load;
  return [
    [`Serve: eSCL HTTP client vs direct acquire (${t.pages} × ${t.pageMiB} MiB)`, `served ${t.httpClientMBps} MB/s vs direct ${t.directMBps} MB/s`, `ratio **${t.httpVsDirect}**`],
    ['Serve: eSCL plugin over TCP vs direct acquire', `plugin over TCP ${t.pluginOverTcpMBps} MB/s vs direct ${t.directMBps} MB/s`, `ratio ${t.pluginVsDirect}`],
    ['Serve: loopback HTTP ceiling (Node http, bytes from memory)', `${t.rawNodeHttpMBps} MB/s`, `served / ceiling ${Number((t.httpClientMBps / t.rawNodeHttpMBps).toFixed(3))}`],
    ['Serve: client DELETE → CANCEL_IO at the driver', ms(c.delete.toCancelIo), `→ device idle ${ms(c.delete.toIdle)}, n=${c.delete.toCancelIo.n}`],
    ['Serve: client disconnect → CANCEL_IO at the driver', ms(c.disconnect.toCancelIo), `→ device idle ${ms(c.disconnect.toIdle)}, n=${c.disconnect.toCancelIo.n}`],
    [
      `Serve load: ${l.clients} clients × ${l.devices} devices, 4 slow + 2 stalled readers`,
      `${l.completedWhole}/${l.jobs - l.stalledAndCancelled} jobs whole${l.other.length ? ` (${l.other.length} other: ${[...new Set(l.other)].join(', ')})` : ''}, ${l.stalledAndCancelled} stalled cut off, ${l.retries503} × 503 retried, ${l.servedMiB} MiB at ${l.aggregateMBps} MB/s`,
      `peak RSS +${l.peakRssGrowthMiB} MiB, heap +${l.peakHeapGrowthMiB} MiB`,
    ],
  ];
}

/** The serve suite: throughput ratios, cancel latency, load. */
export async function measureServe({ quick = false, only } = {}) {
  if (only) return { [only]: await ({ throughput, cancelLatency, load })[only](quick) };
  return { throughput: await throughput(quick), cancelLatencyMs: await cancelLatency(quick), load: await load(quick) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureServe({ quick: process.argv.includes('--quick'), only: process.argv.find((a) => ['throughput', 'cancelLatency', 'load'].includes(a)) }), null, 2));
}
