import { expect } from 'chai';
import { E_INVALIDARG, WiaError, type PluginClass } from '@openwia/core';
import { createFileStoreDevice } from './fixtures/file-store-device.js';
import { FileStoreDriver } from './fixtures/file-store-plugin.js';
import fileStore, * as targets from './fixtures/targets.js';
import { CONFORMANCE_RULES, type ConformanceRuleId } from './rules.js';
import { runConformance, type ConformanceReport } from './run-conformance.js';

function failedRules(report: ConformanceReport): ConformanceRuleId[] {
  return report.rules.filter((r) => !r.passed).map((r) => r.id);
}

function why(report: ConformanceReport, id: ConformanceRuleId): string {
  return report.rules.find((r) => r.id === id)!.why;
}

describe('runConformance', () => {
  describe('a well-behaved plugin', () => {
    let report: ConformanceReport;
    before(async () => {
      report = await runConformance(fileStore, { latencyRuns: 5 });
    });

    it('passes every rule, one report line per rule in catalogue order', () => {
      expect(report.rules.map((r) => r.id)).to.deep.equal(CONFORMANCE_RULES.map((r) => r.id));
      expect(failedRules(report), JSON.stringify(report.rules, null, 1)).to.deep.equal([]);
      expect(report.passed).to.equal(true);
    });

    it('says what it saw on passing lines: every byte compared, the cancel placed with a read held in flight', () => {
      expect(why(report, 'transfer-complete')).to.match(/^3 items, \d+ bytes identical to what the device served/);
      expect(why(report, 'cancel-mid-read')).to.match(/bulk IN read\(s\) in flight \(0x81\), held by a NAK/);
    });

    it('times every latency run, reporting median and worst (never judged)', () => {
      const { cancelToCancelIo, cancelToSettled } = report.latency;
      expect(report.latency.runs).to.equal(5);
      expect(cancelToSettled?.samples).to.equal(5);
      expect(cancelToCancelIo?.samples).to.equal(5);
      expect(cancelToSettled!.worstMs).to.be.at.least(cancelToSettled!.medianMs);
    });

    it('runs on the virtual device the target makes, a fresh one per session', () => {
      expect(report.hardware).to.equal(false);
      expect(report.device).to.match(/^virtual device sim-\d+ \(1d6b:0104 Conformance file store\)$/);
      expect(why(report, 'session')).to.match(/^\d+ sessions, each on a fresh device/);
    });
  });

  it('passes a plugin that writes its own transfer loop correctly', async () => {
    const report = await runConformance(targets.handWrittenLoop, { latencyRuns: 1 });
    expect(failedRules(report)).to.deep.equal([]);
  });

  describe('catches each misbehaving plugin on exactly the rule it breaks', () => {
    const cases: Array<[string, keyof typeof targets, ConformanceRuleId, RegExp]> = [
      ['ignores its signal', 'ignoresSignal', 'honours-signal', /^ignores its signal: in cancel-mid-read, drvAcquireItemData did not settle within 300 ms/],
      ['writes after cancel', 'writesAfterCancel', 'no-write-after-cancel', /wrote to Root\\Files\\file-1\.bin after the transfer was cancelled/],
      ['stops at a skip', 'stopsAtSkip', 'skip-item', /the transfer stopped at the skipped item: 1 item\(s\) delivered, 2 expected/],
      ['delivers a skipped item', 'deliversSkippedItem', 'skip-item', /byte\(s\) of skipped Root\\Files\\file-2\.bin reached the app/],
      ['never releases its interface', 'leaksInterface', 'releases-device', /interface 0 still claimed after drvUnInitializeWia; the transport it opened is still open/],
      ['leaves the device busy after a cancel', 'leavesDeviceBusy', 'ready-after-cancel', /the transfer after cancel-mid-read failed: data: Root\\Files\\file-1\.bin arrived incomplete or corrupt/],
    ];
    for (const [what, name, rule, reason] of cases) {
      it(`a plugin that ${what} fails ${rule}, and only that`, async () => {
        const report = await runConformance(targets[name] as typeof fileStore, { latencyRuns: 2 });
        expect(failedRules(report)).to.deep.equal([rule]);
        expect(why(report, rule)).to.match(reason);
        expect(report.passed).to.equal(false);
      });
    }
  });

  it('a plugin that does not match its device fails every rule: nothing passes vacuously', async () => {
    const report = await runConformance({
      plugin: { pluginClass: FileStoreDriver as PluginClass, descriptor: { name: 'elsewhere', match: [{ vendorId: 0x04a9 }] } },
      device: () => createFileStoreDevice(),
    });
    expect(failedRules(report)).to.deep.equal(CONFORMANCE_RULES.map((r) => r.id));
    expect(why(report, 'session')).to.equal('no plugin drives 1d6b:0104 (Conformance file store)');
    expect(why(report, 'transfer-complete')).to.equal('not run: no plugin drives 1d6b:0104 (Conformance file store)');
    expect(report.latency.cancelToSettled).to.equal(undefined);
  });

  it('fails transfer-complete when the device offers fewer items than the target expects', async () => {
    const report = await runConformance({ ...fileStore, expectedItems: 4 }, { latencyRuns: 0 });
    expect(failedRules(report)).to.deep.equal(['transfer-complete']);
    expect(why(report, 'transfer-complete')).to.equal('3 item(s) transferred, at least 4 expected');
  });

  it('fails the session rule with the reason when the item to acquire does not exist', async () => {
    const report = await runConformance({ ...fileStore, item: 'Root\\Nowhere' }, { latencyRuns: 0 });
    expect(why(report, 'session')).to.match(/^no item Root\\Nowhere on conformance:sim-\d+$/);
    expect(report.passed).to.equal(false);
  });

  it('refuses a malformed target with E_INVALIDARG before running anything', async () => {
    for (const bad of [undefined, {}, { plugin: FileStoreDriver }, { plugin: 'FileStoreDriver', device: () => createFileStoreDevice() }]) {
      const error = await runConformance(bad as unknown as typeof fileStore).catch((err: unknown) => err);
      expect(error, JSON.stringify(bad)).to.be.instanceOf(WiaError).with.property('hresult', E_INVALIDARG);
    }
    const error = await runConformance(fileStore, { latencyRuns: -1 }).catch((err: unknown) => err);
    expect((error as WiaError).message).to.equal('"latencyRuns" must be an integer >= 0, got -1');
  });

  it('fails every rule, saying so, when the device factory returns something else', async () => {
    const report = await runConformance({ plugin: FileStoreDriver, device: () => ({}) as never }, { latencyRuns: 0 });
    expect(why(report, 'session')).to.equal('the virtual device could not be opened: the target\'s device() returned an object (Object), not a SimulatedUsbDevice or { device, contentOf }');
    expect(report.rules.every((r) => !r.passed)).to.equal(true);
  });
});
