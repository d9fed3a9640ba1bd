import { expect } from 'chai';
import {
  S_FALSE,
  S_OK,
  WIA_ERROR_COVER_OPEN,
  WIA_ERROR_OFFLINE,
  WIA_ERROR_PAPER_EMPTY,
  WIA_ERROR_PAPER_JAM,
  WIA_IPS_PAGES,
  WIA_STATUS_END_OF_MEDIA,
  WIA_STATUS_SKIP_ITEM,
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WIA_TRANSFER_MSG_NEW_PAGE,
  WiaDevice,
  WiaError,
} from '@openwia/core';
import { DEFAULT_RETRY, retryAfterMs } from './escl-client.js';
import { openScanner, recordingApp, type ScannerFixture } from './escl-test-support.js';

const FEEDER = 'Root\\Feeder';

function pagesSent(fixture: ScannerFixture): Map<number, Buffer> {
  const sent = new Map<number, Buffer>();
  fixture.scanner.control.on('pageSent', (_job, page, bytes) => sent.set(page, bytes));
  return sent;
}

async function setPages(device: WiaDevice, pages: number): Promise<void> {
  const feeder = device.item(FEEDER);
  await device.writeProperties(feeder, new Map([[WIA_IPS_PAGES, pages]]));
}

describe('eSCL feeder transfers', () => {
  let fixture: ScannerFixture;
  afterEach(async () => {
    await fixture.device.close();
  });

  it('delivers every page of a 10-page job as its own item, each announced with NEW_PAGE', async () => {
    fixture = await openScanner({ feederSheets: 10 });
    const sent = pagesSent(fixture);
    const { app, recorded } = recordingApp();
    const hr = await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    expect(hr).to.equal(S_OK);
    expect(recorded.asked).to.deep.equal(Array.from({ length: 10 }, (_, i) => `Page${i + 1}`));
    for (const [page, bytes] of sent) expect(recorded.pages.get(`Page${page}`)!.bytes.equals(bytes), `Page${page}`).to.equal(true);
    expect(recorded.messages.filter((m) => m.lMessage === WIA_TRANSFER_MSG_NEW_PAGE)).to.have.length(10);
    expect(fixture.device.item(FEEDER).children.map((c) => c.name)).to.have.length(10);
    expect(fixture.scanner.control.state).to.equal('Idle');
    expect(fixture.scanner.control.jobs[0]!.state).to.equal('Completed');
  });

  it('skips page 3: its data never reaches the app, the pages after it are intact', async () => {
    fixture = await openScanner({ feederSheets: 10, chunkSize: 1024 });
    const sent = pagesSent(fixture);
    const { app, recorded } = recordingApp((name) => (name === 'Page3' ? WIA_STATUS_SKIP_ITEM : undefined));
    const transfer = fixture.device.createTransfer(FEEDER);
    expect(await transfer.Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app)).to.equal(S_OK);
    expect(recorded.pages.has('Page3')).to.equal(false);
    expect(sent.has(3), 'the scanner still fed page 3 through').to.equal(true);
    for (const page of [1, 2, 4, 5, 10]) expect(recorded.pages.get(`Page${page}`)!.bytes.equals(sent.get(page)!)).to.equal(true);
    const statuses = transfer.lastReport!.items.map((i) => i.status);
    expect(statuses[2]).to.equal('skipped');
    expect(statuses.filter((s) => s === 'transferred')).to.have.length(9);
  });

  it('cancel mid-page 5: no byte after the cancel, the job is deleted, the scanner idle and the next job works', async () => {
    fixture = await openScanner({ feederSheets: 10, chunkSize: 1024 });
    const transfer = fixture.device.createTransfer(FEEDER);
    let bytesAtCancel = -1;
    const { app, recorded } = recordingApp();
    const getNextStream = app.GetNextStream;
    app.GetNextStream = async (flags, name, full) => {
      const answer = await getNextStream(flags, name, full);
      if (name === 'Page5') {
        const stream = answer.stream!;
        const write = stream.write.bind(stream);
        stream.write = ((chunk: Buffer, ...rest: never[]) => {
          const result = write(chunk, ...rest);
          if (bytesAtCancel < 0) {
            bytesAtCancel = [...recorded.pages.values()].reduce((n, s) => n + s.bytes.length, 0);
            transfer.Cancel();
          }
          return result;
        }) as typeof stream.write;
      }
      return answer;
    };
    expect(await transfer.Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app)).to.equal(S_FALSE);
    const received = [...recorded.pages.values()].reduce((n, s) => n + s.bytes.length, 0);
    expect(received).to.equal(bytesAtCancel);
    expect(recorded.asked).to.deep.equal(['Page1', 'Page2', 'Page3', 'Page4', 'Page5']);
    const job = fixture.scanner.control.jobs[0]!;
    expect(job.deleted).to.equal(true);
    expect(job.state).to.equal('Canceled');
    expect(job.pagesStarted, 'no page after the cancelled one was fed').to.equal(5);
    expect(fixture.scanner.control.state).to.equal('Idle');
    expect(fixture.driver.retiredInterfaces).to.deep.equal([]);

    const next = recordingApp();
    expect(await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, next.app)).to.equal(S_OK);
    expect(next.recorded.asked).to.have.length(5);
    expect(next.recorded.pages.get('Page1')!.bytes.subarray(0, 2).toString('hex')).to.equal('ffd8');
  });

  it('cancel from GetNextStream (S_FALSE) before a page is read still deletes the job', async () => {
    fixture = await openScanner({ feederSheets: 4 });
    const { app } = recordingApp((name) => (name === 'Page2' ? S_FALSE : undefined));
    expect(await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app)).to.equal(S_FALSE);
    expect(fixture.scanner.control.jobs[0]!.deleted).to.equal(true);
    expect(fixture.scanner.control.state).to.equal('Idle');
  });

  it('a jam at page 4 fails with WIA_ERROR_PAPER_JAM and leaves pages 1-3 intact', async () => {
    fixture = await openScanner({ feederSheets: 10 });
    const sent = pagesSent(fixture);
    fixture.scanner.control.jamAtPage(4);
    const { app, recorded } = recordingApp();
    const transfer = fixture.device.createTransfer(FEEDER);
    const error = await transfer.Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app).then(() => undefined, (err: unknown) => err);
    expect(error).to.be.instanceOf(WiaError);
    expect((error as WiaError).hresult).to.equal(WIA_ERROR_PAPER_JAM);
    expect([...recorded.pages.keys()]).to.deep.equal(['Page1', 'Page2', 'Page3']);
    for (const page of [1, 2, 3]) expect(recorded.pages.get(`Page${page}`)!.bytes.equals(sent.get(page)!)).to.equal(true);
    // The plugin base ended page 3's stream when it was read whole, so the jam that surfaced while
    // feeding page 4 does not taint it.
    expect(transfer.lastReport!.items.map((i) => i.status)).to.deep.equal(['transferred', 'transferred', 'transferred']);
    expect(transfer.lastReport!.outcome).to.equal('failed');
  });

  it('an empty feeder gives WIA_ERROR_PAPER_EMPTY (no media), an open cover WIA_ERROR_COVER_OPEN', async () => {
    fixture = await openScanner({ feederSheets: 0 });
    const transfer = fixture.device.createTransfer(FEEDER);
    const empty = await transfer.transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, recordingApp().app);
    expect(empty.outcome).to.equal('no-media');
    expect(empty.hresult).to.equal(WIA_ERROR_PAPER_EMPTY);
    fixture.scanner.control.loadFeeder(3);
    fixture.scanner.control.setCoverOpen(true);
    const cover = await transfer.transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, recordingApp().app);
    expect(cover.error?.hresult).to.equal(WIA_ERROR_COVER_OPEN);
  });

  it('WIA_IPS_PAGES: stops after the pages asked for, or reports END_OF_MEDIA when fewer came', async () => {
    fixture = await openScanner({ feederSheets: 10 });
    await setPages(fixture.device, 3);
    const three = recordingApp();
    expect(await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, three.app)).to.equal(S_OK);
    expect(three.recorded.asked).to.have.length(3);
    expect(fixture.scanner.control.state).to.equal('Idle');
    fixture.scanner.control.loadFeeder(2);
    await setPages(fixture.device, 5);
    const partial = recordingApp();
    expect(await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, partial.app)).to.equal(WIA_STATUS_END_OF_MEDIA);
    expect(partial.recorded.asked).to.deep.equal(['Page1', 'Page2']);
  });

  it('a scanner with a job history past 256 entries still scans, and its status names our job', async () => {
    fixture = await openScanner({ feederSheets: 2, jobHistory: 1000 });
    const { control } = fixture.scanner;
    for (let i = 0; i < 300; i++) control.endJob(control.createJob(control.jobs[0]?.settings ?? ({ inputSource: 'Feeder' } as never)), 'Aborted', 'DeviceDisconnected');
    expect(control.jobs).to.have.length(300);
    const report = await fixture.device.createTransfer(FEEDER).transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, recordingApp().app);
    expect(report.outcome).to.equal('completed');
    expect(report.items.map((i) => i.status)).to.deep.equal(['transferred', 'transferred']);
    expect(control.jobs.at(-1)!.state).to.equal('Completed');
  });

  it('retries 503 busy answers with backoff', async () => {
    fixture = await openScanner({ feederSheets: 2 });
    const statuses: number[] = [];
    fixture.scanner.control.on('request', (_m, _p, status) => statuses.push(status));
    fixture.scanner.control.answerBusy(3);
    expect(await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, recordingApp().app)).to.equal(S_OK);
    expect(statuses.filter((s) => s === 503)).to.have.length(3);
  });

  it('waits as long as a 503\'s Retry-After asks (capped), instead of its own backoff', async () => {
    fixture = await openScanner({ feederSheets: 1 });
    const waits: Array<[number, string | undefined]> = [];
    fixture.driver.retryPolicy = { ...DEFAULT_RETRY, maxRetryAfterMs: 1500, onRetry: (_attempt, ms, header) => void waits.push([ms, header]) };
    await fixture.device.close();
    fixture = { ...fixture, device: await WiaDevice.open(fixture.driver, { deviceId: 'sim:escl' }) };
    fixture.scanner.control.answerBusy(1, 1);
    expect(await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, recordingApp().app)).to.equal(S_OK);
    fixture.scanner.control.loadFeeder(1);
    fixture.scanner.control.answerBusy(1, 3600);
    expect(await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, recordingApp().app)).to.equal(S_OK);
    expect(waits).to.deep.equal([[1000, '1'], [1500, '3600']]);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', 30_000, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).to.equal(10_000);
    expect(retryAfterMs('soon', 30_000)).to.equal(undefined);
  });

  it('unplugging mid-page fails the transfer with WIA_ERROR_OFFLINE and hangs nothing', async () => {
    fixture = await openScanner({ feederSheets: 5, chunkSize: 1024 });
    const { app, recorded } = recordingApp();
    const getNextStream = app.GetNextStream;
    app.GetNextStream = async (flags, name, full) => {
      const answer = await getNextStream(flags, name, full);
      if (name === 'Page2') {
        const stream = answer.stream!;
        const write = stream.write.bind(stream);
        let unplugged = false;
        stream.write = ((chunk: Buffer, ...rest: never[]) => {
          if (!unplugged) {
            unplugged = true;
            fixture.scanner.device.unplug();
          }
          return write(chunk, ...rest);
        }) as typeof stream.write;
      }
      return answer;
    };
    const error = await fixture.device.createTransfer(FEEDER).Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app).then(() => undefined, (err: unknown) => err);
    expect((error as WiaError).hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(recorded.pages.get('Page1')!.bytes.length).to.be.greaterThan(0);
  });

  it('an unplug the device manager reports first (DEVICE_DISCONNECTED, then the bus) is WIA_ERROR_OFFLINE, not E_ABORT, wherever it lands', async () => {
    // The order DeviceManager uses on detach (WiaDevice.notifyDisconnected, then the transport goes); each point
    // of a page and of the job's requests in turn.
    for (const afterChunks of [0, 1, 2, 3]) {
      fixture = await openScanner({ feederSheets: 3, chunkSize: 512 });
      let chunks = 0;
      const unplugNow = (): void => {
        void fixture.device.notifyDisconnected().then(() => fixture.scanner.device.unplug());
      };
      fixture.scanner.control.on('pageStarted', () => {
        if (afterChunks === 0) unplugNow();
      });
      const { app } = recordingApp();
      const transfer = fixture.device.createTransfer(FEEDER);
      const write = app.GetNextStream;
      app.GetNextStream = async (flags, name, full) => {
        const answer = await write(flags, name, full);
        const stream = answer.stream!;
        const original = stream.write.bind(stream);
        stream.write = ((chunk: Buffer, ...rest: never[]) => {
          if (++chunks === afterChunks) unplugNow();
          return original(chunk, ...rest);
        }) as typeof stream.write;
        return answer;
      };
      const report = await transfer.transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, app);
      expect(report.outcome, `after ${afterChunks} chunks`).to.equal('failed');
      expect(report.error?.hresult, `after ${afterChunks} chunks: ${report.error?.message}`).to.equal(WIA_ERROR_OFFLINE);
      await fixture.device.close();
    }
  });
});
