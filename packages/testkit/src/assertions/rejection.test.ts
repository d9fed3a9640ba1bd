import { expect } from 'chai';
import { WiaError, E_FAIL } from '@openwia/core';
import { rejectionOf } from './rejection.js';

describe('rejectionOf', () => {
  it('resolves with the error the promise rejected with', async () => {
    const error = new Error('boom');
    expect(await rejectionOf(Promise.reject(error))).to.equal(error);
  });

  it('fails when the promise resolves instead', async () => {
    const outcome = await rejectionOf(Promise.resolve(1)).then(() => 'resolved', (err: Error) => err.message);
    expect(outcome).to.equal('expected a rejection, but the promise resolved');
  });

  it('with a type: resolves with an instance of it, and fails for an error of another class', async () => {
    const wia = new WiaError(E_FAIL, 'typed');
    expect(await rejectionOf(Promise.reject(wia), WiaError)).to.equal(wia);
    const outcome = await rejectionOf(Promise.reject(new Error('plain')), WiaError).then(() => 'resolved', (err: Error) => err.message);
    expect(outcome).to.equal('expected a rejection with WiaError, got Error: plain');
  });
});
