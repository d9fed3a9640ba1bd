import { expect } from 'chai';
import { S_OK, WIA_ERROR_DESTINATION, WIA_ERROR_INVALID_DRIVER_RESPONSE, WiaError, type HResult } from '../hresult/index.js';
import { WIA_TRANSFER_MSG_END_OF_TRANSFER, type WiaTransferParams } from '../minidriver/index.js';
import type { IWiaTransferCallback } from '../minidriver/index.js';
import { TransferRun } from './transfer-run.js';
import { ManualClock, PlainDriver, SlowAppStream, flush, type AppEvent, type PlainDriverScript } from './plain-driver.test.fixture.js';

/** An app that hands out `stream` and records its messages into `events`. */
function appWith(stream: SlowAppStream, events: AppEvent[]): IWiaTransferCallback {
  return {
    GetNextStream: () => ({ hr: S_OK, stream }),
    TransferCallback: (_flags: number, params: WiaTransferParams): HResult => {
      events.push({ kind: 'message', lMessage: params.lMessage });
      return S_OK;
    },
  };
}

async function runOn(script: PlainDriverScript, stream: SlowAppStream, events: AppEvent[], clock = new ManualClock()) {
  const driver = new PlainDriver(script);
  const root = await driver.drvInitializeWia();
  const run = new TransferRun({ driver, item: root.children[0]!, deviceId: 'plain', direction: 'download', lFlags: 0, callback: appWith(stream, events), graceMs: 100, timers: clock });
  return { driver, run, report: run.run(), clock };
}

/** Index of the END_OF_TRANSFER message among the app's events. */
const endOfTransferAt = (events: AppEvent[]): number => events.findIndex((e) => e.kind === 'message' && e.lMessage === WIA_TRANSFER_MSG_END_OF_TRANSFER);

describe('engine holes (issue 12), each closed', () => {
  it('bytes after the outcome: a slow app stream consumes what it was handed before END_OF_TRANSFER, and nothing after', async () => {
    const events: AppEvent[] = [];
    const stream = new SlowAppStream(events, { slow: true });
    const { run, report } = await runOn({}, stream, events);
    await flush();
    expect(events.filter((e) => e.kind === 'write'), 'the first chunk is on the slow disk').to.have.length(1);
    run.cancel();
    await flush();
    stream.release();
    await flush();
    stream.release();
    await flush();
    stream.release();
    const r = await report;
    await flush();
    stream.release();
    await flush();
    const end = endOfTransferAt(events);
    expect(end, 'END_OF_TRANSFER was sent').to.be.greaterThan(-1);
    expect(events.slice(end + 1).filter((e) => e.kind === 'write'), 'no chunk reaches _write after END_OF_TRANSFER').to.deep.equal([]);
    expect(r.outcome).to.equal('cancelled');
    expect(r.bytes, 'report.bytes = what the app stream accepted').to.equal(stream.accepted);
    expect(r.items[0]!.bytes).to.equal(stream.accepted);
  });

  it('bytes after the outcome: an app stream that never finishes a write holds the outcome for one grace period only', async () => {
    const events: AppEvent[] = [];
    const stream = new SlowAppStream(events, { slow: true });
    const { run, report, clock } = await runOn({}, stream, events);
    await flush();
    run.cancel();
    await flush();
    let settled = false;
    void report.then(() => (settled = true));
    await flush();
    expect(settled, 'waiting for the app stream').to.equal(false);
    clock.advance(100);
    const r = await report;
    expect(r.outcome).to.equal('cancelled');
    expect(r.bytes).to.equal(0);
    expect(clock.pendingCount).to.equal(0);
  });

  for (const failBy of ['throw', 'error'] as const) {
    it(`report.bytes counts only what the app stream accepted when its _write fails by ${failBy}`, async () => {
      const events: AppEvent[] = [];
      const stream = new SlowAppStream(events, { failAt: 1, failBy });
      const { report } = await runOn({}, stream, events);
      const r = await report;
      expect(r.outcome).to.equal('failed');
      expect(r.error).to.be.instanceOf(WiaError);
      expect(r.error!.hresult).to.equal(WIA_ERROR_DESTINATION);
      expect(stream.accepted).to.equal(4);
      expect(r.bytes).to.equal(stream.accepted);
      expect(r.items[0]!.bytes).to.equal(stream.accepted);
    });
  }

  it('an unknown success code from drvAcquireItemData (12345) fails the transfer, typed', async () => {
    const events: AppEvent[] = [];
    const { report } = await runOn({ result: 12345 }, new SlowAppStream(events), events);
    const r = await report;
    expect(r.outcome).to.equal('failed');
    expect(r.error).to.be.instanceOf(WiaError);
    expect(r.error!.hresult).to.equal(WIA_ERROR_INVALID_DRIVER_RESPONSE);
    expect(r.hresult).to.equal(WIA_ERROR_INVALID_DRIVER_RESPONSE);
  });
});
