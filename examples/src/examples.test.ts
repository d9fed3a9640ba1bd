import { expect } from 'chai';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireScannerPages } from './acquire-scanner-pages.js';
import { cancelWithAbortSignal } from './cancel-with-abort-signal.js';

describe('examples/ run as documented', function () {
  this.timeout(30_000);

  it('acquire-scanner-pages writes every page of the feeder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openwia-example-'));
    try {
      const result = await acquireScannerPages(dir, () => undefined);
      expect(result.outcome).to.equal('completed');
      expect((await readdir(dir)).sort()).to.deep.equal(['Page1.jpg', 'Page2.jpg', 'Page3.jpg']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('cancel-with-abort-signal cancels mid-movie and acquires again right after', async () => {
    const result = await cancelWithAbortSignal();
    expect(result.cancelled).to.include('MVI_0001.MOV cancelled');
    expect(result.afterwards).to.equal(2);
  });
});
