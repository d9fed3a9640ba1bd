import { expect } from 'chai';
import { UsbTransferAbortedError } from '@openwia/core';
import { TurnQueue } from './notifier.js';
import { SimulatedUsbDevice } from './simulated-device.js';

describe('TurnQueue', () => {
  it('grants a turn on a free endpoint at once, with the time the last turn let go of it', () => {
    const lane = new TurnQueue();
    expect(lane.enter()).to.equal(0);
    lane.leave(12.5);
    expect(lane.enter()).to.equal(12.5);
  });

  it('hands turns on in the order they were asked for, each with the time the previous one ended', async () => {
    const lane = new TurnQueue();
    const order: string[] = [];
    expect(lane.enter()).to.equal(0);
    const second = lane.enter() as Promise<number>;
    const third = lane.enter() as Promise<number>;
    const secondDone = second.then((at) => {
      order.push(`second from ${at}`);
      lane.leave(20);
    });
    const thirdDone = third.then((at) => {
      order.push(`third from ${at}`);
      lane.leave(30);
    });
    lane.leave(10);
    await Promise.all([secondDone, thirdDone]);
    expect(order).to.deep.equal(['second from 10', 'third from 20']);
    expect(lane.enter()).to.equal(30);
  });

  it('passes an abandoned turn on when it comes, with the time of the turn before it', async () => {
    const lane = new TurnQueue();
    lane.enter();
    const abandoned = lane.enter() as Promise<number>;
    const next = lane.enter() as Promise<number>;
    lane.abandon(abandoned);
    lane.leave(7);
    expect(await next).to.equal(7);
  });
});

describe('endpoint turns on a simulated device', () => {
  it('a read aborted while queued behind another leaves the endpoint to the read after it', async () => {
    const device = new SimulatedUsbDevice({
      vendorId: 1,
      productId: 2,
      deviceClass: 0,
      deviceSubclass: 0,
      deviceProtocol: 0,
      configurations: [{ configurationValue: 1, interfaces: [{ interfaceNumber: 0, alternateSetting: 0, interfaceClass: 0xff, interfaceSubclass: 0, interfaceProtocol: 0, endpoints: [{ address: 0x81, direction: 'in', type: 'bulk', maxPacketSize: 64 }] }] }],
    });
    const transport = device.createTransport();
    await transport.open();
    await transport.claimInterface(0);
    const first = transport.transferIn(0x81, 3);
    const controller = new AbortController();
    const queued = transport.transferIn(0x81, 3, { signal: controller.signal });
    const third = transport.transferIn(0x81, 3);
    controller.abort();
    const aborted = await queued.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(aborted).to.be.instanceOf(UsbTransferAbortedError);
    expect((aborted as UsbTransferAbortedError).partialData.length).to.equal(0);
    await device.writeIn(0x81, new Uint8Array([1, 2, 3]));
    expect([...(await first)]).to.deep.equal([1, 2, 3]);
    const written = device.writeIn(0x81, new Uint8Array([4, 5, 6]));
    expect([...(await third)]).to.deep.equal([4, 5, 6]);
    await written;
    await transport.close();
  });
});
