import { expect } from 'chai';
import { S_OK, WIA_TRANSFER_ACQUIRE_CHILDREN } from '@openwia/core';
import { openScanner, recordingApp } from './escl-test-support.js';

describe('eSCL plugin on the virtual scanner', () => {
  it('scans a 10-page feeder job, one item per page', async () => {
    const { scanner, device } = await openScanner({ feederSheets: 10 });
    const sent = new Map<number, Buffer>();
    scanner.control.on('pageSent', (_job, page, bytes) => sent.set(page, bytes));
    const { app, recorded } = recordingApp();
    const hr = await device.createTransfer('Root\\Feeder').Download(WIA_TRANSFER_ACQUIRE_CHILDREN, app);
    expect(hr).to.equal(S_OK);
    expect(recorded.asked).to.deep.equal(Array.from({ length: 10 }, (_, i) => `Page${i + 1}`));
    for (let page = 1; page <= 10; page++) expect(recorded.pages.get(`Page${page}`)!.bytes.equals(sent.get(page)!)).to.equal(true);
    expect(scanner.control.state).to.equal('Idle');
    await device.close();
  });
});
