import { expect } from 'chai';
import { once } from 'node:events';
import { EXAMPLE_ENDPOINTS, createExampleBulkDevice } from '@openwia/testkit';
import { WIA_ERROR_OFFLINE } from '@openwia/core';
import { UsbPipeConnection } from './usb-pipe-connection.js';

async function openConnection() {
  const device = createExampleBulkDevice();
  const transport = device.createTransport();
  await transport.open();
  await transport.selectConfiguration(1);
  await transport.claimInterface(0);
  const connection = new UsbPipeConnection(transport, { interfaceNumber: 0, inEndpoint: EXAMPLE_ENDPOINTS.bulkIn, outEndpoint: EXAMPLE_ENDPOINTS.bulkOut, maxPacketSize: 512 });
  return { device, transport, connection };
}

describe('UsbPipeConnection: a socket over a bulk pipe pair', () => {
  it('writes go out as bulk OUT transfers, device IN data comes out readable', async () => {
    const { device, connection } = await openConnection();
    const received: Buffer[] = [];
    device.onOut(EXAMPLE_ENDPOINTS.bulkOut, (data) => void received.push(Buffer.from(data)));
    await new Promise<void>((resolve, reject) => connection.write('GET / HTTP/1.1\r\n\r\n', (err) => (err ? reject(err) : resolve())));
    expect(Buffer.concat(received).toString()).to.equal('GET / HTTP/1.1\r\n\r\n');
    const data = once(connection, 'data');
    await device.writeIn(EXAMPLE_ENDPOINTS.bulkIn, Buffer.from('HTTP/1.1 200 OK'));
    expect(String((await data)[0])).to.equal('HTTP/1.1 200 OK');
    connection.destroy();
  });

  it('hold aborts the read in flight and leaves unread bytes on the device; release picks them up in order', async () => {
    const { device, connection } = await openConnection();
    const chunks: string[] = [];
    connection.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    await device.writeIn(EXAMPLE_ENDPOINTS.bulkIn, Buffer.from('one'));
    await connection.hold();
    expect(connection.isHeld).to.equal(true);
    const second = device.writeIn(EXAMPLE_ENDPOINTS.bulkIn, Buffer.from('two'));
    expect(device.queuedIn(EXAMPLE_ENDPOINTS.bulkIn)).to.equal(3);
    connection.release();
    await second;
    // The device has handed 'two' over; the host sees it a moment later (several turns over the real USB stack).
    while (chunks.join('').length < 'onetwo'.length) await once(connection, 'data');
    expect(chunks.join('')).to.equal('onetwo');
    connection.destroy();
  });

  it('a release that comes before the held read has settled keeps the connection: the abort is the hold\'s, not a failure', async () => {
    const { device, connection } = await openConnection();
    const chunks: string[] = [];
    connection.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const first = once(connection, 'data');
    await device.writeIn(EXAMPLE_ENDPOINTS.bulkIn, Buffer.from('one'));
    await first; // the next read is in flight, with nothing to read yet
    // Over real USB the aborted read settles a round trip after hold(); an exchange's settle() releases at once.
    const held = connection.hold();
    connection.release();
    await held;
    await device.writeIn(EXAMPLE_ENDPOINTS.bulkIn, Buffer.from('two'));
    while (chunks.join('').length < 'onetwo'.length) await once(connection, 'data');
    expect(chunks.join('')).to.equal('onetwo');
    expect(connection.failure).to.equal(undefined);
    expect(connection.destroyed).to.equal(false);
    connection.destroy();
  });

  it('destroy() aborts the read in flight: the transfer settles as a cancel and nothing of it reaches the stream', async () => {
    const { transport, connection } = await openConnection();
    const signals: AbortSignal[] = [];
    const transferIn = transport.transferIn.bind(transport);
    transport.transferIn = (endpoint, length, options) => {
      if (options?.signal) signals.push(options.signal);
      return transferIn(endpoint, length, options);
    };
    connection.on('data', () => expect.fail('no data after destroy'));
    connection.resume();
    while (signals.length === 0) await new Promise((resolve) => setImmediate(resolve));
    connection.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(signals[0]!.aborted, "the read's signal").to.equal(true);
  });

  it('an unplug breaks the connection with the transport error (WIA_ERROR_OFFLINE)', async () => {
    const { device, connection } = await openConnection();
    connection.resume();
    const closed = once(connection, 'error');
    device.unplug();
    const [error] = await closed;
    expect(error.hresult).to.equal(WIA_ERROR_OFFLINE);
    expect(connection.failure?.hresult).to.equal(WIA_ERROR_OFFLINE);
  });
});
