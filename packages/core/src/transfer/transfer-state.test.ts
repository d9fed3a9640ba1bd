import { expect } from 'chai';
import { WIA_ERROR_DESTINATION, WIA_ERROR_OFFLINE, WiaError } from '../hresult/index.js';
import { transition, type TransferEvent, type TransferState } from './transfer-state.js';

const run = (...events: TransferEvent[]): TransferState => events.reduce(transition, { kind: 'idle' } as TransferState);
const cancel: TransferEvent = { type: 'latch', reason: 'cancel' };

describe('TransferState: the one transition function', () => {
  it('a cancel before the start latches without CANCEL_IO (the driver is not acquiring)', () => {
    expect(run(cancel)).to.deep.equal({ kind: 'latched', reason: 'cancel', cancelIoSent: false });
    expect(run(cancel, { type: 'start' }).kind, 'a latched transfer does not start').to.equal('latched');
  });

  it('a cancel while drvAcquireItemData runs latches with CANCEL_IO; one outside it does not', () => {
    expect(run({ type: 'start' }, { type: 'acquire', inProgress: true }, cancel)).to.deep.equal({ kind: 'latched', reason: 'cancel', cancelIoSent: true });
    expect(run({ type: 'start' }, { type: 'acquire', inProgress: true }, { type: 'acquire', inProgress: false }, cancel)).to.deep.equal({ kind: 'latched', reason: 'cancel', cancelIoSent: false });
  });

  it('a lost device latches with its error and never with CANCEL_IO, even while drvAcquireItemData runs', () => {
    const error = new WiaError(WIA_ERROR_OFFLINE, 'unplugged');
    expect(run({ type: 'start' }, { type: 'acquire', inProgress: true }, { type: 'latch', reason: 'device-lost', error })).to.deep.equal({
      kind: 'latched',
      reason: 'device-lost',
      error,
      cancelIoSent: false,
    });
    expect(run({ type: 'start' }, { type: 'complete' }, { type: 'latch', reason: 'device-lost', error }), 'after completion it changes nothing').to.deep.equal({ kind: 'completing' });
  });

  it('the first latch wins: a second one (cancel or app error) changes nothing', () => {
    const error = new WiaError(WIA_ERROR_DESTINATION, 'disk full');
    const first = run({ type: 'start' }, cancel);
    expect(transition(first, { type: 'latch', reason: 'app-error', error })).to.equal(first);
  });

  it('cancel racing completion: after complete, a cancel is a no-op; before it, the cancel wins', () => {
    expect(run({ type: 'start' }, { type: 'complete' }, cancel)).to.deep.equal({ kind: 'completing' });
    expect(run({ type: 'start' }, cancel, { type: 'complete' }).kind).to.equal('latched');
  });

  it('once the outcome is decided nothing but settle moves it, and settled is final', () => {
    const deciding = run({ type: 'start' }, { type: 'decide' });
    expect(deciding).to.deep.equal({ kind: 'settling' });
    expect(transition(deciding, cancel)).to.equal(deciding);
    const settled = transition(deciding, { type: 'settle' });
    for (const event of [cancel, { type: 'start' }, { type: 'complete' }, { type: 'decide' }] as TransferEvent[]) expect(transition(settled, event)).to.deep.equal({ kind: 'settled' });
  });
});
