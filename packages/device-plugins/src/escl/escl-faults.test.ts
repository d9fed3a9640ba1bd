import { expect } from 'chai';
import { S_OK, WIA_ERROR_DEVICE_COMMUNICATION } from '@openwia/core';
import { openScanner, recordingApp } from './escl-test-support.js';

const FLATBED = 'Root\\Flatbed';

describe('eSCL: a scanner that announces more than it sends', () => {
  for (const fault of ['short-body', 'huge-chunk'] as const) {
    it(`${fault}: the acquire ends in WIA_ERROR_DEVICE_COMMUNICATION once the device stays silent, and the scanner still scans`, async () => {
      const fixture = await openScanner({ interfaces: 2 }, { idleTimeoutMs: 150 });
      try {
        fixture.scanner.control.pageFault = fault;
        const { app } = recordingApp();
        const report = await fixture.device.createTransfer(FLATBED).transfer('download', 0, app);
        expect(report.outcome).to.equal('failed');
        expect(report.error?.hresult).to.equal(WIA_ERROR_DEVICE_COMMUNICATION);
        expect(report.error?.message).to.match(/sent nothing for 150 ms/);
        expect(report.items.map((i) => i.status)).to.not.include('transferred');
        // The silent interface is retired; the other one carries the next scan.
        expect(fixture.driver.retiredInterfaces).to.have.length(1);
        expect(await fixture.device.createTransfer(FLATBED).Download(0, recordingApp().app)).to.equal(S_OK);
      } finally {
        await fixture.device.close();
      }
    });
  }
});
