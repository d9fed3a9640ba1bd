import { expect } from 'chai';
import { S_OK, WIA_ERROR_DEVICE_COMMUNICATION } from '@openwia/core';
import { deviceTimeScale } from '@openwia/testkit';
import { openScanner, recordingApp } from './escl-test-support.js';

const FLATBED = 'Root\\Flatbed';

describe('eSCL: a scanner that announces more than it sends', () => {
  for (const fault of ['short-body', 'huge-chunk'] as const) {
    it(`${fault}: the acquire ends in WIA_ERROR_DEVICE_COMMUNICATION once the device stays silent, and the scanner still scans`, async () => {
      // The page is rendered first, by a scanner with the default idle timeout (scanners share their rendered pages),
      // so that the lying one answers at once: the short timeout measures the lie, not a cold renderer (this file run alone).
      const warm = await openScanner({ interfaces: 2 });
      try {
        expect(await warm.device.createTransfer(FLATBED).Download(0, recordingApp().app)).to.equal(S_OK);
      } finally {
        await warm.device.close();
      }
      const idleTimeoutMs = 150 * deviceTimeScale();
      const fixture = await openScanner({ interfaces: 2 }, { idleTimeoutMs });
      try {
        expect(await fixture.device.createTransfer(FLATBED).Download(0, recordingApp().app)).to.equal(S_OK);
        fixture.scanner.control.pageFault = fault;
        const { app } = recordingApp();
        const report = await fixture.device.createTransfer(FLATBED).transfer('download', 0, app);
        expect(report.outcome).to.equal('failed');
        expect(report.error?.hresult).to.equal(WIA_ERROR_DEVICE_COMMUNICATION);
        expect(report.error?.message).to.include(`sent nothing for ${idleTimeoutMs} ms`);
        expect(report.items.map((i) => i.status)).to.not.include('transferred');
        // The silent interface is retired; the other one carries the next scan.
        expect(fixture.driver.retiredInterfaces).to.have.length(1);
        expect(await fixture.device.createTransfer(FLATBED).Download(0, recordingApp().app)).to.equal(S_OK);
      } finally {
        await fixture.device.close();
      }
    });
  }

  it('a 4 GiB page that keeps coming after its job is deleted: the cancel stops reading at once instead of draining it', async () => {
    const fixture = await openScanner({ interfaces: 2, chunkSize: 16 * 1024 });
    try {
      const { control } = fixture.scanner;
      control.pageFault = 'endless';
      const controller = new AbortController();
      let atCancel = -1;
      const outcome = await fixture.device
        .acquire(FLATBED, {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.totalBytes >= 64 * 1024 && atCancel < 0) {
              atCancel = control.endlessBytes;
              controller.abort();
            }
          },
        })
        .then(
          (r) => r.outcome,
          (err: Error) => err.name,
        );
      expect(outcome).to.equal('AbortError');
      expect(control.jobs[0]!.deleted, 'the job was still deleted').to.equal(true);
      // Nothing is drained: what crossed the wire after the cancel is what was already in flight.
      expect(control.endlessBytes - atCancel).to.be.lessThan(1024 * 1024);
      expect(fixture.driver.retiredInterfaces).to.have.length(1);
      control.pageFault = undefined;
      expect(await fixture.device.createTransfer(FLATBED).Download(0, recordingApp().app)).to.equal(S_OK);
    } finally {
      await fixture.device.close();
    }
  });
});
