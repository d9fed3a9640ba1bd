import { expect } from 'chai';
import { request } from 'node:http';
import { Duplex } from 'node:stream';
import { WIA_ERROR_DEVICE_COMMUNICATION, WiaError } from '@openwia/core';
import { rejectionOf } from '@openwia/testkit';
import { HttpExchange } from './http-exchange.js';

/** A connection that takes every write and never answers. */
function silentConnection(): Duplex {
  return new Duplex({ read() {}, write(_chunk, _encoding, done) { done(); } });
}

describe('HttpExchange', () => {
  it('a request that fails twice (a write error, then "socket hang up") rejects once with the first, and never throws from the event loop', async () => {
    const req = request({ host: 'ipp-usb', path: '/eSCL/ScannerStatus', createConnection: silentConnection });
    const exchange = new HttpExchange(req);
    req.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(() => req.emit('error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).to.not.throw();
    const error = await rejectionOf(exchange.head(new AbortController().signal), WiaError);
    expect(error.hresult).to.equal(WIA_ERROR_DEVICE_COMMUNICATION);
    expect(error.message).to.include('EPIPE');
    req.destroy();
  });
});
