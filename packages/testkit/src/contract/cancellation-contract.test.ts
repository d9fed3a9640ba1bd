import { expect } from 'chai';
import {
  S_FALSE,
  S_OK,
  WIA_ERROR_DESTINATION,
  WIA_ERROR_EXCEPTION_IN_DRIVER,
  WIA_ERROR_OFFLINE,
  WIA_TRANSFER_MSG_END_OF_STREAM,
  WIA_TRANSFER_MSG_END_OF_TRANSFER,
  WIA_TRANSFER_MSG_STATUS,
  E_FAIL,
} from '@openwia/core';
import { Deferred, ManualTimers, flushAsync } from '../timing/index.js';
import { ContractHarness, type ContractScenario } from './contract-harness.js';

const threeItems = [
  { name: 'a', chunks: 3 },
  { name: 'b', chunks: 2 },
  { name: 'c', chunks: 2 },
];

/** A gate per (item, chunk) read, opened by the test. */
class ReadGates {
  private readonly gates = new Map<string, Deferred>();
  readonly waiting: string[] = [];

  gate = (item: number, chunk: number): Promise<void> => {
    const key = `${item}:${chunk}`;
    this.waiting.push(key);
    return this.get(key).promise;
  };

  open(item: number, chunk: number): void {
    this.get(`${item}:${chunk}`).resolve();
  }

  private get(key: string): Deferred {
    let gate = this.gates.get(key);
    if (!gate) this.gates.set(key, (gate = new Deferred()));
    return gate;
  }
}

async function start(scenario: ContractScenario) {
  const harness = new ContractHarness(scenario);
  const run = await harness.prepare();
  const report = run.run();
  return { harness, run, report };
}

describe('the cancellation contract (design.md), enforced by the core', () => {
  describe('rule 1 & 2: cancel by Cancel() at any moment, latched synchronously', () => {
    it('Cancel() before the driver starts: the driver is never called, the app hears only the outcome', async () => {
      const harness = new ContractHarness({ driver: { items: threeItems } });
      const run = await harness.prepare();
      const report = run.run();
      harness.cancel();
      expect(run.latch.latched, 'latched synchronously').to.equal(true);
      const r = await report;
      expect(r.outcome).to.equal('cancelled');
      expect(r.hresult).to.equal(S_FALSE);
      expect(harness.driver.log.acquireCalls).to.equal(0);
      expect(r.cancelIoNotified).to.equal(false);
      expect(harness.app.messages.map((m) => m.lMessage)).to.deep.equal([WIA_TRANSFER_MSG_END_OF_TRANSFER]);
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('Cancel() mid-read: the read is aborted, CANCEL_IO is sent once, the transfer settles as cancelled', async () => {
      const gates = new ReadGates();
      const { harness, report } = await start({ driver: { items: threeItems, readGate: gates.gate } });
      gates.open(0, 0);
      await flushAsync();
      expect(gates.waiting).to.include('0:1');
      harness.cancel();
      const r = await report;
      expect(r.outcome).to.equal('cancelled');
      expect(r.cancelIoNotified).to.equal(true);
      expect(harness.driver.log.cancelIo).to.have.length(1);
      expect(r.items.map((i) => [i.itemName, i.status, i.bytes])).to.deep.equal([['a', 'cancelled', 8]]);
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('Cancel() between items: the next item is never opened', async () => {
      const gates = new ReadGates();
      const { harness, report } = await start({
        driver: { items: threeItems, readGate: gates.gate },
        app: { message: (p) => (p.lMessage === WIA_TRANSFER_MSG_END_OF_STREAM ? 'cancel-inside' : 'ok') },
      });
      for (let c = 0; c < 3; c++) gates.open(0, c);
      const r = await report;
      expect(r.outcome).to.equal('cancelled');
      expect(r.items.map((i) => i.status)).to.deep.equal(['transferred']);
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('Cancel() many times, from inside and outside callbacks: one latch, one CANCEL_IO', async () => {
      const gates = new ReadGates();
      const { harness, report } = await start({
        driver: { items: threeItems, readGate: gates.gate },
        app: { message: () => 'cancel-inside' },
      });
      gates.open(0, 0);
      await flushAsync();
      harness.cancel();
      harness.cancel();
      const r = await report;
      harness.cancel();
      expect(harness.driver.log.cancelIo).to.have.length(1);
      expect(r.outcome).to.equal('cancelled');
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('Cancel() after completion is a no-op: the outcome stays completed', async () => {
      const { harness, report } = await start({ driver: { items: threeItems } });
      const r = await report;
      harness.cancel();
      expect(r.outcome).to.equal('completed');
      expect(harness.latchSeq).to.equal(undefined);
      expect(harness.driver.log.cancelIo).to.have.length(0);
    });

    it('an app callback that never returns does not stop Cancel() from settling the transfer', async () => {
      const { harness, report } = await start({ driver: { items: threeItems }, app: { message: () => 'hang' } });
      await flushAsync();
      harness.cancel();
      const r = await report;
      expect(r.outcome).to.equal('cancelled');
      expect(harness.check(r)).to.deep.equal([]);
    });
  });

  describe('rule 1: cancel by S_FALSE from the app', () => {
    it('S_FALSE from TransferCallback cancels', async () => {
      const { harness, report } = await start({ driver: { items: threeItems }, app: { message: (_p, i) => (i === 1 ? 'cancel' : 'ok') } });
      const r = await report;
      expect(r.outcome).to.equal('cancelled');
      expect(harness.latchReason).to.equal('cancel');
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('S_FALSE from GetNextStream cancels', async () => {
      const { harness, report } = await start({ driver: { items: threeItems }, app: { stream: (_n, i) => (i === 1 ? 'cancel' : 'stream') } });
      const r = await report;
      expect(r.outcome).to.equal('cancelled');
      expect(r.items.map((i) => i.status)).to.deep.equal(['transferred', 'cancelled']);
      expect(harness.check(r)).to.deep.equal([]);
    });
  });

  describe('rule 4: after the latch the driver callback answers S_FALSE, forever', () => {
    it('a driver that ignores its signal and callback answers gets S_FALSE on every later call', async () => {
      const { harness, report } = await start({
        driver: { items: threeItems, behaviour: 'ignore-signal' },
        app: { message: (_p, i) => (i === 0 ? 'cancel' : 'ok') },
      });
      const r = await report;
      const afterLatch = harness.driver.log.callbacks.filter((c) => c.calledSeq > harness.latchSeq!);
      expect(afterLatch.length).to.be.greaterThan(3);
      expect(afterLatch.every((c) => c.hr === S_FALSE)).to.equal(true);
      expect(r.outcome).to.equal('cancelled');
      expect(harness.check(r)).to.deep.equal([]);
    });
  });

  describe('rule 5: nothing reaches the app after the latch', () => {
    it('a driver that writes after the cancel: the bytes are discarded and the violation reported', async () => {
      const gates = new ReadGates();
      const { harness, report } = await start({ driver: { items: threeItems, behaviour: 'write-after-cancel', readGate: gates.gate } });
      gates.open(0, 0);
      await flushAsync();
      harness.cancel();
      gates.open(0, 1);
      const r = await report;
      expect(harness.app.sinks.get('Root\\Folder\\a')!.bytes).to.equal(8);
      expect(r.violations.map((v) => v.kind)).to.include('write-after-cancel');
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('chunks queued for a slow app stream are dropped at the latch', async () => {
      const slow = new Deferred();
      const { harness, report } = await start({ driver: { items: [{ name: 'a', chunks: 40 }], chunkSize: 4096 }, app: { sinkGate: () => slow.promise } });
      await flushAsync();
      harness.cancel();
      slow.resolve();
      const r = await report;
      await flushAsync();
      expect(r.outcome).to.equal('cancelled');
      expect(harness.check(r)).to.deep.equal([]);
    });
  });

  describe('rule 6: a watchdog settles the transfer when the plugin ignores its signal', () => {
    it('settles as cancelled after the grace period, marks the device for reset and reports the plugin', async () => {
      const timers = new ManualTimers();
      const { harness, run, report } = await start({
        driver: { items: threeItems, behaviour: 'ignore-signal', fault: { item: 0, chunk: 1, kind: 'hang' } },
        timers,
        graceMs: 250,
      });
      const violations: string[] = [];
      run.on('violation', (v) => violations.push(v.kind));
      await flushAsync();
      harness.cancel();
      await flushAsync();
      expect(run.settled, 'not before the grace period').to.equal(false);
      timers.advance(250);
      const r = await report;
      expect(r.outcome).to.equal('cancelled');
      expect(r.deviceNeedsReset).to.equal(true);
      expect(violations).to.include('ignored-cancel');
      expect(timers.pendingCount).to.equal(0);
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('a conforming plugin settles without the watchdog and leaves no timer behind', async () => {
      const timers = new ManualTimers();
      const { harness, report } = await start({ driver: { items: threeItems, fault: { item: 1, chunk: 0, kind: 'hang' } }, timers });
      await flushAsync();
      harness.cancel();
      const r = await report;
      expect(r.violations).to.deep.equal([]);
      expect(r.deviceNeedsReset).to.equal(false);
      expect(timers.pendingCount).to.equal(0);
    });
  });

  describe('rule 7: WIA_STATUS_SKIP_ITEM skips one item', () => {
    it('nothing of a skipped item reaches the app, and the transfer goes on', async () => {
      const { harness, report } = await start({ driver: { items: threeItems }, app: { stream: (name) => (name === 'b' ? 'skip' : 'stream') } });
      const r = await report;
      expect(r.outcome).to.equal('completed');
      expect(r.items.map((i) => [i.itemName, i.status])).to.deep.equal([
        ['a', 'transferred'],
        ['b', 'skipped'],
        ['c', 'transferred'],
      ]);
      expect(harness.app.sinks.has('Root\\Folder\\b')).to.equal(false);
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('S_FALSE after a skip still cancels the whole transfer', async () => {
      const { harness, report } = await start({ driver: { items: threeItems }, app: { stream: (name) => (name === 'a' ? 'skip' : 'cancel') } });
      const r = await report;
      expect(r.outcome).to.equal('cancelled');
      expect(harness.check(r)).to.deep.equal([]);
    });
  });

  describe('rule 8: cancel racing completion has one winner', () => {
    it('a cancel latched before the engine sees the driver return wins', async () => {
      const gates = new ReadGates();
      const { harness, report } = await start({ driver: { items: [{ name: 'a', chunks: 1 }], readGate: gates.gate } });
      await flushAsync();
      gates.open(0, 0);
      harness.cancel();
      const r = await report;
      expect(r.outcome).to.equal('cancelled');
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('a cancel from the END_OF_TRANSFER callback changes nothing', async () => {
      let harnessRef: ContractHarness | undefined;
      const { harness, report } = await start({
        driver: { items: threeItems },
        app: {
          message: (p) => {
            if (p.lMessage === WIA_TRANSFER_MSG_END_OF_TRANSFER) harnessRef?.cancel();
            return 'ok';
          },
        },
      });
      harnessRef = harness;
      const r = await report;
      expect(r.outcome).to.equal('completed');
      expect(r.hresult).to.equal(S_OK);
    });
  });

  describe('rule 9: errors end the transfer with a typed error and release everything', () => {
    it('a plugin that throws: WIA_ERROR_EXCEPTION_IN_DRIVER with the cause, lock released', async () => {
      const { harness, report } = await start({ driver: { items: threeItems, fault: { item: 1, chunk: 1, kind: 'throw' } } });
      const r = await report;
      expect(r.outcome).to.equal('failed');
      expect(r.error?.hresult).to.equal(WIA_ERROR_EXCEPTION_IN_DRIVER);
      expect((r.error?.cause as Error).message).to.match(/scripted driver bug/);
      expect(r.items.map((i) => i.status)).to.deep.equal(['transferred', 'failed']);
      expect(harness.driver.log.unlocks).to.equal(harness.driver.log.locks);
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('the device vanishing mid-read: WIA_ERROR_OFFLINE', async () => {
      const { harness, report } = await start({ driver: { items: threeItems, fault: { item: 0, chunk: 2, kind: 'offline' } } });
      const r = await report;
      expect(r.error?.hresult).to.equal(WIA_ERROR_OFFLINE);
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('an app callback that throws fails the transfer and stops the driver with CANCEL_IO', async () => {
      const { harness, report } = await start({ driver: { items: threeItems }, app: { message: (_p, i) => (i === 1 ? 'throw' : 'ok') } });
      const r = await report;
      expect(r.outcome).to.equal('failed');
      expect(r.error?.hresult).to.equal(E_FAIL);
      expect(harness.latchReason).to.equal('app-error');
      expect(harness.driver.log.cancelIo).to.have.length(1);
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('an app GetNextStream that throws or gives no stream fails the transfer', async () => {
      for (const answer of ['throw', 'no-stream'] as const) {
        const { harness, report } = await start({ driver: { items: threeItems }, app: { stream: (_n, i) => (i === 2 ? answer : 'stream') } });
        const r = await report;
        expect(r.outcome, answer).to.equal('failed');
        expect(harness.check(r), answer).to.deep.equal([]);
      }
    });

    it('an app stream that fails: WIA_ERROR_DESTINATION, the driver stops', async () => {
      const { harness, report } = await start({ driver: { items: [{ name: 'a', chunks: 50 }], chunkSize: 1024 }, app: { failSink: { index: 0, afterBytes: 4096 } } });
      const r = await report;
      expect(r.outcome).to.equal('failed');
      expect(r.error?.hresult).to.equal(WIA_ERROR_DESTINATION);
      expect(harness.check(r)).to.deep.equal([]);
    });

    it('completes with every byte when nothing goes wrong, in WIA message order', async () => {
      const { harness, report } = await start({ driver: { items: threeItems } });
      const r = await report;
      expect(r.outcome).to.equal('completed');
      expect(r.bytes).to.equal(7 * 8);
      const kinds = harness.app.calls.map((c) => (c.kind === 'next-stream' ? `next:${c.itemName}` : c.params.lMessage));
      expect(kinds).to.deep.equal([
        'next:a', WIA_TRANSFER_MSG_STATUS, WIA_TRANSFER_MSG_STATUS, WIA_TRANSFER_MSG_STATUS, WIA_TRANSFER_MSG_END_OF_STREAM,
        'next:b', WIA_TRANSFER_MSG_STATUS, WIA_TRANSFER_MSG_STATUS, WIA_TRANSFER_MSG_END_OF_STREAM,
        'next:c', WIA_TRANSFER_MSG_STATUS, WIA_TRANSFER_MSG_STATUS, WIA_TRANSFER_MSG_END_OF_STREAM,
        WIA_TRANSFER_MSG_END_OF_TRANSFER,
      ]);
      expect(harness.check(r)).to.deep.equal([]);
    });
  });

  describe('folder transfers without single-scan capability', () => {
    it('the core calls drvAcquireItemData once per transferable child, and a cancel stops the loop', async () => {
      const { harness, report } = await start({ driver: { items: threeItems, singleScan: false }, app: { stream: (_n, i) => (i === 1 ? 'cancel' : 'stream') } });
      const r = await report;
      expect(harness.driver.log.acquireCalls).to.equal(2);
      expect(r.outcome).to.equal('cancelled');
      expect(harness.check(r)).to.deep.equal([]);
    });
  });

  describe('uploads', () => {
    it('deliver the app source to the driver', async () => {
      const chunks = [Buffer.from('hello '), Buffer.from('world')];
      const { harness, report } = await start({ driver: { items: threeItems }, target: 'upload', uploadChunks: chunks });
      const r = await report;
      expect(r.outcome).to.equal('completed');
      expect(harness.driver.uploads.get('a')?.toString()).to.equal('hello world');
      expect(r.items[0]?.bytes).to.equal(11);
    });

    it('cancel mid-upload wakes the driver and settles as cancelled', async () => {
      const gates = new ReadGates();
      const chunks = [Buffer.from('one'), Buffer.from('two'), Buffer.from('three')];
      const { harness, report } = await start({ driver: { items: threeItems, readGate: gates.gate }, target: 'upload', uploadChunks: chunks });
      gates.open(0, 0);
      await flushAsync();
      harness.cancel();
      const r = await report;
      expect(r.outcome).to.equal('cancelled');
      expect(harness.driver.uploads.has('a')).to.equal(false);
      expect(harness.check(r)).to.deep.equal([]);
    });
  });
});
