import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AcquireAbortedError, WIA_ERROR_EXCEPTION_IN_DRIVER, WiaDevice, type AcquiredPage, type AcquireProgress } from '@openwia/core';
import { Deferred } from '../timing/index.js';
import { MemoryMiniDriver } from './memory-device.js';

const pages = [
  { name: 'Page1', data: 150_000 },
  { name: 'Page2', data: 40_000 },
  { name: 'Page3', data: 90_000 },
];

async function openDevice(options: Partial<ConstructorParameters<typeof MemoryMiniDriver>[0]> = {}) {
  const driver = new MemoryMiniDriver({ items: pages, folderName: 'Feeder', feeder: true, ...options });
  return { driver, device: await WiaDevice.open(driver, { deviceId: 'mem' }) };
}

describe('device.acquire(): the idiomatic app API', () => {
  it('returns a typed result per item, with the bytes when no destination is given', async () => {
    const { driver, device } = await openDevice();
    const progress: AcquireProgress[] = [];
    const result = await device.acquire('Root\\Feeder', { onProgress: (p) => progress.push(p) });
    expect(result.outcome).to.equal('completed');
    expect(result.items.map((i) => [i.itemName, i.status, i.bytes])).to.deep.equal([
      ['Page1', 'transferred', 150_000],
      ['Page2', 'transferred', 40_000],
      ['Page3', 'transferred', 90_000],
    ]);
    for (const item of result.items) expect(item.data!.equals(Buffer.from(driver.contentOf(item.itemName)))).to.equal(true);
    const totals = progress.map((p) => p.totalBytes);
    expect(totals).to.deep.equal([...totals].sort((a, b) => a - b));
    expect(totals[totals.length - 1]).to.equal(280_000);
  });

  it('writes to the destinations it is given, ends each one complete, and skips on request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openwia-acquire-'));
    try {
      const { driver, device } = await openDevice();
      const result = await device.acquire('Root\\Feeder', {
        destination: (item) => (item.itemName === 'Page2' ? 'skip' : createWriteStream(join(dir, `${item.itemName}.bin`))),
      });
      expect(result.items.map((i) => i.status)).to.deep.equal(['transferred', 'skipped', 'transferred']);
      expect((await readFile(join(dir, 'Page3.bin'))).equals(Buffer.from(driver.contentOf('Page3')))).to.equal(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an AbortSignal cancels: rejects with an AbortError that keeps what arrived', async () => {
    const controller = new AbortController();
    const { device } = await openDevice();
    let caught: unknown;
    try {
      await device.acquire('Root\\Feeder', {
        onProgress: (p) => {
          if (p.item.itemName === 'Page2') controller.abort();
        },
        signal: controller.signal,
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(AcquireAbortedError);
    expect((caught as Error).name).to.equal('AbortError');
    const result = (caught as AcquireAbortedError).result;
    expect(result.items.map((i) => i.status)).to.deep.equal(['transferred', 'cancelled']);
    expect(device.busy).to.equal(false);
  });

  it('an already aborted signal rejects without touching the device', async () => {
    const { driver, device } = await openDevice();
    let caught: unknown;
    try {
      await device.acquire('Root\\Feeder', { signal: AbortSignal.abort() });
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).name).to.equal('AbortError');
    expect(driver.log.opened).to.deep.equal([]);
  });

  it('a device failure resolves with outcome failed and its WiaError', async () => {
    const { device } = await openDevice({ throwOnRead: 6 });
    const result = await device.acquire('Root\\Feeder');
    expect(result.outcome).to.equal('failed');
    expect(result.error?.hresult).to.equal(WIA_ERROR_EXCEPTION_IN_DRIVER);
    expect(result.items.map((i) => i.status)).to.deep.equal(['transferred', 'transferred', 'failed']);
  });
});

describe('device.pages(): pages as an async iterator of streams', () => {
  it('yields every page as a readable stream with its bytes', async () => {
    const { driver, device } = await openDevice();
    const seen: string[] = [];
    for await (const page of device.pages('Root\\Feeder')) {
      const chunks: Buffer[] = [];
      for await (const chunk of page.stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(Buffer.from(driver.contentOf(page.itemName)))).to.equal(true);
      seen.push(page.itemName);
    }
    expect(seen).to.deep.equal(['Page1', 'Page2', 'Page3']);
  });

  it('leaving the loop early cancels the transfer', async () => {
    const { driver, device } = await openDevice();
    const settled = new Deferred<string>();
    device.on('transferSettled', (report) => settled.resolve(report.outcome));
    for await (const page of device.pages('Root\\Feeder')) {
      page.stream.resume();
      break;
    }
    expect(await settled.promise).to.equal('cancelled');
    expect(driver.log.cancelDeviceCalls).to.equal(1);
    expect(device.busy).to.equal(false);
  });

  /** Reads every page of a feeder whose third page fails; `beforeReading` runs before each page is read. */
  async function readCutPages(beforeReading: (page: AcquiredPage, device: WiaDevice) => Promise<void> = async () => undefined) {
    const { device } = await openDevice({ throwOnRead: 6 });
    const seen: string[] = [];
    let thrown: unknown;
    let pageError: unknown;
    try {
      for await (const page of device.pages('Root\\Feeder')) {
        seen.push(page.itemName);
        await beforeReading(page, device);
        try {
          for await (const _ of page.stream) void _;
        } catch (err) {
          pageError = err;
        }
      }
    } catch (err) {
      thrown = err;
    }
    return { seen, thrown, pageError };
  }

  it('a failure is thrown after the pages that arrived, and the cut page errors', async () => {
    const { seen, thrown, pageError } = await readCutPages();
    expect(seen).to.deep.equal(['Page1', 'Page2', 'Page3']);
    expect((thrown as { hresult: number }).hresult).to.equal(WIA_ERROR_EXCEPTION_IN_DRIVER);
    expect(pageError).to.equal(thrown);
  });

  it('a cut page read only after the transfer failed still errors with the failure', async () => {
    // Page3's first read fails: read it only once the transfer is over.
    const { thrown, pageError } = await readCutPages(async (page, device) => {
      if (page.itemName === 'Page3') while (device.busy) await new Promise<void>((resolve) => setImmediate(resolve));
    });
    expect((thrown as { hresult: number }).hresult).to.equal(WIA_ERROR_EXCEPTION_IN_DRIVER);
    expect(pageError).to.equal(thrown);
  });
});
