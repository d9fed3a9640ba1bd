import { expect } from 'chai';
import {
  E_ABORT,
  E_FAIL,
  E_INVALIDARG,
  S_FALSE,
  S_OK,
  WIA_ERROR_EXCEPTION_IN_DRIVER,
  WIA_ERROR_PAPER_JAM,
  WIA_STATUS_END_OF_MEDIA,
  WIA_STATUS_SKIP_ITEM,
} from './hresult.js';
import { CancelledError, WiaError, checkHResult, isCancelledError, isCancelledHResult } from './wia-error.js';

/** Runs `fn`, expecting it to throw; returns what it threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('WiaError', () => {
  it('carries the HRESULT and its SDK name as code', () => {
    const err = new WiaError(WIA_ERROR_PAPER_JAM, 'paper jam on page 4');
    expect(err).to.be.instanceOf(Error);
    expect(err.hresult).to.equal(0x80210002);
    expect(err.code).to.equal('WIA_ERROR_PAPER_JAM');
    expect(err.message).to.equal('paper jam on page 4');
    expect(err.name).to.equal('WiaError');
  });

  it('uses the code as message when none is given', () => {
    expect(new WiaError(WIA_ERROR_PAPER_JAM).message).to.equal('WIA_ERROR_PAPER_JAM');
  });

  it('normalises a signed int32 HRESULT to unsigned', () => {
    const err = new WiaError(E_INVALIDARG | 0);
    expect(err.hresult).to.equal(0x80070057);
    expect(err.code).to.equal('E_INVALIDARG');
  });

  it('names an unknown HRESULT by its hex form', () => {
    expect(new WiaError(0x802100ff).code).to.equal('0x802100ff');
  });

  it('keeps a cause when one is given, and has none otherwise', () => {
    const cause = new Error('usb stall');
    expect(new WiaError(E_FAIL, 'x', { cause }).cause).to.equal(cause);
    expect(new WiaError(E_FAIL, 'x')).not.to.have.property('cause');
  });

  it('prints as one readable line: name, code, hex value, message', () => {
    const err = new WiaError(WIA_ERROR_PAPER_JAM, 'paper jam on page 4');
    expect(err.toString()).to.equal('WiaError WIA_ERROR_PAPER_JAM (0x80210002): paper jam on page 4');
    expect(String(err)).to.equal(err.toString());
  });

  describe('WiaError.from', () => {
    it('returns a WiaError unchanged, whatever the fallback', () => {
      const original = new WiaError(WIA_ERROR_PAPER_JAM, 'jam');
      expect(WiaError.from(original, WIA_ERROR_EXCEPTION_IN_DRIVER, 'ctx')).to.equal(original);
    });

    it('wraps an Error as E_FAIL by default, keeping it as cause and its message', () => {
      const original = new TypeError('x is undefined');
      const err = WiaError.from(original);
      expect(err.hresult).to.equal(E_FAIL);
      expect(err.message).to.equal('x is undefined');
      expect(err.cause).to.equal(original);
    });

    it('wraps with the given fallback HRESULT and prefixes the context', () => {
      const err = WiaError.from(new Error('boom'), WIA_ERROR_EXCEPTION_IN_DRIVER, 'drvInitializeWia threw');
      expect(err.hresult).to.equal(WIA_ERROR_EXCEPTION_IN_DRIVER);
      expect(err.code).to.equal('WIA_ERROR_EXCEPTION_IN_DRIVER');
      expect(err.message).to.equal('drvInitializeWia threw: boom');
    });

    it('wraps a thrown non-Error value by its string form', () => {
      const err = WiaError.from('plain string');
      expect(err.message).to.equal('plain string');
      expect(err.cause).to.equal('plain string');
      expect(WiaError.from(42).message).to.equal('42');
      expect(WiaError.from(undefined).message).to.equal('undefined');
    });
  });
});

describe('CancelledError', () => {
  it('is a WiaError with E_ABORT, recognisable by class, flag and name', () => {
    const err = new CancelledError();
    expect(err).to.be.instanceOf(WiaError);
    expect(err).to.be.instanceOf(CancelledError);
    expect(err.hresult).to.equal(E_ABORT);
    expect(err.code).to.equal('E_ABORT');
    expect(err.cancelled).to.equal(true);
    expect(err.name).to.equal('AbortError');
    expect(err.message).to.equal('the operation was cancelled');
  });

  it('takes a message and a cause', () => {
    const cause = new Error('signal');
    const err = new CancelledError('read aborted', { cause });
    expect(err.message).to.equal('read aborted');
    expect(err.cause).to.equal(cause);
    expect(err.toString()).to.equal('AbortError E_ABORT (0x80004004): read aborted');
  });
});

describe('isCancelledError', () => {
  it('recognises our CancelledError', () => {
    expect(isCancelledError(new CancelledError())).to.equal(true);
  });

  it('recognises the DOM AbortError that AbortSignal.abort() carries', () => {
    const reason: unknown = AbortSignal.abort().reason;
    expect(isCancelledError(reason)).to.equal(true);
  });

  it('recognises what an aborted controller throws from throwIfAborted()', () => {
    const controller = new AbortController();
    controller.abort();
    expect(isCancelledError(thrownBy(() => controller.signal.throwIfAborted()))).to.equal(true);
  });

  it('does not take other errors for a cancellation', () => {
    expect(isCancelledError(new WiaError(WIA_ERROR_PAPER_JAM))).to.equal(false);
    expect(isCancelledError(new Error('aborted'))).to.equal(false);
    expect(isCancelledError(new DOMException('the operation timed out', 'TimeoutError'))).to.equal(false);
  });

  it('does not take non-errors for a cancellation, even if shaped like one', () => {
    expect(isCancelledError({ name: 'AbortError' })).to.equal(false);
    expect(isCancelledError('AbortError')).to.equal(false);
    expect(isCancelledError(undefined)).to.equal(false);
    expect(isCancelledError(null)).to.equal(false);
  });
});

describe('checkHResult', () => {
  it('returns success codes unchanged', () => {
    expect(checkHResult(S_OK)).to.equal(S_OK);
    expect(checkHResult(S_FALSE)).to.equal(S_FALSE);
    expect(checkHResult(WIA_STATUS_END_OF_MEDIA)).to.equal(WIA_STATUS_END_OF_MEDIA);
    expect(checkHResult(WIA_STATUS_SKIP_ITEM)).to.equal(WIA_STATUS_SKIP_ITEM);
  });

  it('throws a WiaError carrying a failed HRESULT', () => {
    const err = thrownBy(() => checkHResult(WIA_ERROR_PAPER_JAM));
    expect(err).to.be.instanceOf(WiaError);
    expect((err as WiaError).hresult).to.equal(WIA_ERROR_PAPER_JAM);
    expect((err as WiaError).message).to.equal('WIA_ERROR_PAPER_JAM');
  });

  it('says what failed when given a context', () => {
    const err = thrownBy(() => checkHResult(WIA_ERROR_PAPER_JAM, 'scan page 4')) as WiaError;
    expect(err.message).to.equal('scan page 4 failed with WIA_ERROR_PAPER_JAM');
  });

  it('treats a signed int32 failure as a failure', () => {
    expect((thrownBy(() => checkHResult(E_INVALIDARG | 0)) as WiaError).hresult).to.equal(E_INVALIDARG);
  });
});

describe('isCancelledHResult', () => {
  it('is true for the two ways a result says cancelled: S_FALSE and E_ABORT', () => {
    expect(isCancelledHResult(S_FALSE)).to.equal(true);
    expect(isCancelledHResult(E_ABORT)).to.equal(true);
    expect(isCancelledHResult(E_ABORT | 0)).to.equal(true);
  });

  it('is false for success, skip and other failures', () => {
    for (const hr of [S_OK, WIA_STATUS_SKIP_ITEM, WIA_STATUS_END_OF_MEDIA, E_FAIL, WIA_ERROR_PAPER_JAM]) {
      expect(isCancelledHResult(hr), String(hr)).to.equal(false);
    }
  });
});
