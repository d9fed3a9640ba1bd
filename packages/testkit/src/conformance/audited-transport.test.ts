import { expect } from 'chai';
import { UsbTransferAbortedError } from '@openwia/core';
import { EXAMPLE_ENDPOINTS, createLoopbackDevice } from '../usb/index.js';
import { AuditedTransport, type AuditedTransfer } from './audited-transport.js';

describe('AuditedTransport (what the suite hands a plugin)', () => {
  it('passes every call through and keeps account of claims and open state', async () => {
    const device = createLoopbackDevice();
    const inner = device.createTransport();
    const audited = new AuditedTransport(inner);
    expect(audited.openAtHandover).to.equal(false);
    await audited.open();
    await audited.claimInterface(0);
    expect([...audited.claimed]).to.deep.equal([0]);
    expect(device.claimedInterfaces).to.deep.equal([0]);
    await audited.transferOut(EXAMPLE_ENDPOINTS.bulkOut, Uint8Array.of(1, 2, 3));
    expect([...(await audited.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 512))]).to.deep.equal([1, 2, 3]);
    await audited.releaseInterface(0);
    expect(audited.claimed.size).to.equal(0);
    expect(device.claimedInterfaces).to.deep.equal([]);
    await audited.close();
    expect(inner.opened).to.equal(false);
  });

  it('announces each transfer once it is submitted, classified, and tracks it until it ends', async () => {
    const device = createLoopbackDevice();
    const audited = new AuditedTransport(device.createTransport());
    await audited.open();
    await audited.claimInterface(0);
    const seen: AuditedTransfer[] = [];
    audited.events.on('transferStarted', (t) => seen.push(t));
    device.faults.nakForever(EXAMPLE_ENDPOINTS.bulkIn);
    const abort = new AbortController();
    const read = audited.transferIn(EXAMPLE_ENDPOINTS.bulkIn, 512, { signal: abort.signal });
    const event = audited.transferIn(EXAMPLE_ENDPOINTS.interruptIn, 64, { signal: abort.signal });
    expect(seen.map((t) => `${t.kind} 0x${t.endpointAddress.toString(16)}`)).to.deep.equal(['bulk-in 0x81', 'interrupt-in 0x83']);
    expect(audited.pendingBulkIn()).to.have.length(1);
    abort.abort();
    expect(await read.catch((err: unknown) => err)).to.be.instanceOf(UsbTransferAbortedError);
    expect(await event.catch((err: unknown) => err)).to.be.instanceOf(UsbTransferAbortedError);
    await Promise.all(seen.map((t) => t.settled));
    expect(audited.inFlight.size).to.equal(0);
    await audited.close();
  });

  it('knows a transport that was already open when handed over (hardware: the backend opens it)', async () => {
    const inner = createLoopbackDevice().createTransport();
    await inner.open();
    expect(new AuditedTransport(inner).openAtHandover).to.equal(true);
    await inner.close();
  });
});
