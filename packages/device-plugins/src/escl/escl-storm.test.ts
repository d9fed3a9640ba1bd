import { expect } from 'chai';
import { WIA_ERROR_BUSY, WiaError, type AcquireResult } from '@openwia/core';
import { deviceTimeScale } from '@openwia/testkit';
import { openScanner, type ScannerFixture } from './escl-test-support.js';

type CancelMode = 'none' | 'first-bytes' | 'at-once' | 'next-tick';

/** One acquire, cancelled as `mode` says; resolves with a label, never rejects. */
async function acquireOnce(fixture: ScannerFixture, item: string, mode: CancelMode): Promise<string> {
  const controller = new AbortController();
  if (mode === 'at-once') queueMicrotask(() => controller.abort());
  if (mode === 'next-tick') setImmediate(() => controller.abort());
  const onProgress = (): void => {
    if (mode === 'first-bytes') controller.abort();
  };
  return fixture.device.acquire(item, { signal: controller.signal, onProgress }).then(
    (result: AcquireResult) => (result.error ? `${result.outcome}:${result.error.name}:${result.hresult}: ${result.error.message}` : result.outcome),
    (err: unknown) => ((err as Error).name === 'AbortError' ? 'cancelled' : `threw:${(err as Error).name}:${(err as Error).message}`),
  );
}

/** Every request the scanner answers from now on, as `METHOD path status`. */
function requestLog(fixture: ScannerFixture): string[] {
  const log: string[] = [];
  fixture.scanner.control.on('request', (method, path, status) => log.push(`${method} ${path} ${status}`));
  return log;
}

describe('eSCL storms: many devices, acquire/cancel cycles in one process', () => {
  it('a cancel that lands as a page\'s last bytes arrive leaves the connection in step: DELETE and status are answered and read', async () => {
    // One chunk per page: the whole response is in before the app sees its first bytes and cancels.
    const fixture = await openScanner({ chunkSize: 1 << 20 });
    try {
      const log = requestLog(fixture);
      expect(await acquireOnce(fixture, 'Root\\Flatbed', 'first-bytes')).to.equal('cancelled');
      expect(await acquireOnce(fixture, 'Root\\Flatbed', 'none')).to.equal('completed');
      // The cancel settles once the DELETE is answered; the status poll that follows it is the next job's wait for an idle scanner.
      const afterDelete = log.slice(log.findIndex((l) => l.startsWith('DELETE')) + 1);
      const status = afterDelete.indexOf('GET /eSCL/ScannerStatus 200');
      expect(status, 'the DELETE\'s answer was read: a status request followed it').to.be.at.least(0);
      expect(status, 'the next job started once the scanner was idle').to.be.below(afterDelete.indexOf('POST /eSCL/ScanJobs 201'));
      expect(fixture.driver.retiredInterfaces).to.deep.equal([]);
    } finally {
      await fixture.device.close();
    }
  });

  it('a cancel settles once the job is deleted, while the scanner still reports Processing; the next job waits for Idle rather than meet 503', async () => {
    const fixture = await openScanner({ chunkSize: 1024 });
    try {
      const { control } = fixture.scanner;
      // The scanner takes a while to stop after DELETE (its carriage returns), answering 503 to a new job meanwhile.
      control.cancelSettleMs = 60 * deviceTimeScale();
      const log = requestLog(fixture);
      expect(await acquireOnce(fixture, 'Root\\Flatbed', 'first-bytes')).to.equal('cancelled');
      expect(control.state, 'the cancel settled without waiting for the scanner to stop').to.equal('Processing');
      expect(log.filter((l) => l.startsWith('GET /eSCL/ScannerStatus')), 'and without polling it').to.deep.equal([]);
      expect(await acquireOnce(fixture, 'Root\\Flatbed', 'none')).to.equal('completed');
      const afterDelete = log.slice(log.findIndex((l) => l.startsWith('DELETE')));
      const polls = afterDelete.slice(0, afterDelete.indexOf('POST /eSCL/ScanJobs 201'));
      expect(polls.filter((l) => l.startsWith('GET /eSCL/ScannerStatus')).length, 'the next job polled until Idle first').to.be.greaterThan(1);
      expect(log.filter((l) => l.endsWith(' 503')), 'and never met a busy scanner').to.deep.equal([]);
    } finally {
      await fixture.device.close();
    }
  });

  it('a cancel while the next job waits for the scanner to be idle ends that wait at once; the job after still waits and works', async () => {
    const fixture = await openScanner({ chunkSize: 1024 });
    try {
      const { control } = fixture.scanner;
      control.cancelSettleMs = 400 * deviceTimeScale();
      expect(await acquireOnce(fixture, 'Root\\Flatbed', 'first-bytes')).to.equal('cancelled');
      // The next acquire is cancelled as its first status poll is answered: the scanner is still stopping.
      const controller = new AbortController();
      const onRequest = (_method: string, path: string): void => {
        if (path === '/eSCL/ScannerStatus') controller.abort();
      };
      control.on('request', onRequest);
      const outcome = await fixture.device.acquire('Root\\Flatbed', { signal: controller.signal }).then(
        (r) => r.outcome,
        (err: Error) => err.name,
      );
      control.off('request', onRequest);
      expect(outcome).to.equal('AbortError');
      expect(control.state, 'the cancel did not wait out the scanner').to.equal('Processing');
      expect(control.jobs.filter((j) => j.state === 'Pending' || j.state === 'Processing'), 'no job was created meanwhile').to.have.length(1);
      expect(await acquireOnce(fixture, 'Root\\Flatbed', 'none')).to.equal('completed');
      expect(fixture.driver.retiredInterfaces, 'the interrupted status poll was drained, not given up on').to.deep.equal([]);
    } finally {
      await fixture.device.close();
    }
  });

  it('a cancel whose clean-up ran out of time (its DELETE never got out) is finished by the next job, which then works', async function () {
    this.timeout(20_000);
    const fixture = await openScanner({ chunkSize: 1024 });
    try {
      const { device, control } = fixture.scanner;
      const log = requestLog(fixture);
      // Every bulk OUT endpoint NAKs from the cancel on: the DELETE cannot reach the scanner before the clean-up deadline.
      const outs = device.descriptor.configurations.flatMap((c) => c.interfaces.flatMap((i) => i.endpoints.filter((e) => e.direction === 'out' && e.type === 'bulk').map((e) => e.address)));
      const controller = new AbortController();
      const onProgress = (): void => {
        if (controller.signal.aborted) return;
        for (const address of outs) device.faults.nakForever(address);
        controller.abort();
      };
      const first = await fixture.device.acquire('Root\\Flatbed', { signal: controller.signal, onProgress }).then(
        (r) => r.outcome,
        (err: Error) => err.name,
      );
      expect(first).to.equal('AbortError');
      expect(log.filter((l) => l.startsWith('DELETE')), 'no DELETE reached the scanner').to.deep.equal([]);
      expect(control.jobs.filter((j) => j.state === 'Pending' || j.state === 'Processing'), 'the job is still running').to.have.length(1);
      for (const address of outs) device.faults.stopNak(address);
      expect(await acquireOnce(fixture, 'Root\\Flatbed', 'none')).to.equal('completed');
      const deleted = log.findIndex((l) => l.startsWith('DELETE'));
      expect(deleted, 'the next job deleted the job the cancel left').to.be.at.least(0);
      expect(deleted, 'before it created its own').to.be.below(log.lastIndexOf('POST /eSCL/ScanJobs 201'));
      expect(log.filter((l) => l.endsWith(' 503')), 'and never met a busy scanner').to.deep.equal([]);
      expect(control.jobs.filter((j) => j.state === 'Pending' || j.state === 'Processing')).to.deep.equal([]);
    } finally {
      await fixture.device.close();
    }
  });

  it('4 devices × 12 cycles: every acquire settles with a typed outcome, none meets a device still busy, none desyncs', async () => {
    const fixtures = await Promise.all(Array.from({ length: 4 }, () => openScanner({ feederSheets: 2, chunkSize: 1024 })));
    const modes: CancelMode[] = ['none', 'first-bytes', 'at-once', 'next-tick'];
    const labels: string[] = [];
    try {
      await Promise.all(
        fixtures.map(async (fixture, d) => {
          for (let i = 0; i < 12; i++) {
            const feeder = (i + d) % 2 === 0;
            if (feeder && fixture.scanner.control.feederSheets === 0) fixture.scanner.control.loadFeeder(2);
            labels.push(await acquireOnce(fixture, feeder ? 'Root\\Feeder' : 'Root\\Flatbed', modes[(i + d) % modes.length]!));
          }
        }),
      );
      expect(labels).to.have.length(48);
      const unexpected = labels.filter((l) => l !== 'completed' && l !== 'cancelled');
      expect(unexpected, 'only completed or cancelled (the feeder is reloaded before it runs dry)').to.deep.equal([]);
      expect(labels.filter((l) => l.includes(String(WIA_ERROR_BUSY)))).to.deep.equal([]);
      for (const fixture of fixtures) {
        expect(fixture.scanner.control.state).to.equal('Idle');
        expect(fixture.driver.retiredInterfaces).to.deep.equal([]);
        expect(fixture.scanner.control.jobs.every((j) => j.state !== 'Processing' && j.state !== 'Pending')).to.equal(true);
      }
    } finally {
      for (const fixture of fixtures) await fixture.device.close();
    }
  });
});
void WiaError;
