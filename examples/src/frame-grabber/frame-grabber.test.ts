import { expect } from 'chai';
import { describeConformance, runConformance } from '@openwia/testkit';
import target from './conformance-target.js';

describe('the frame grabber example plugin (docs/writing-a-plugin.md)', function () {
  this.timeout(60_000);

  it('passes every rule of the conformance suite', async () => {
    const report = await runConformance(target, { latencyRuns: 5 });
    const failed = report.rules.filter((r) => !r.passed);
    expect(failed, JSON.stringify(failed)).to.deep.equal([]);
  });
});

describeConformance('frame grabber (as a vendor would register it)', target, { latencyRuns: 3 });
