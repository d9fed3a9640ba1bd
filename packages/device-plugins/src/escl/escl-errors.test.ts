import { expect } from 'chai';
import { WIA_ERROR_COVER_OPEN, WIA_ERROR_DEVICE_COMMUNICATION, WIA_ERROR_OFFLINE, WIA_ERROR_PAPER_JAM } from '@openwia/core';
import { documentError } from './escl-errors.js';
import type { EsclStatus } from './xml/status.js';

const status = (state: EsclStatus['state'], adfState?: string): EsclStatus => ({ state, ...(adfState ? { adfState } : {}), jobs: [], skippedJobs: 0 });

describe('documentError: a NextDocument that failed, explained by the scanner status', () => {
  it('a feeder fault in AdfState is the error, with the answer kept in the message', () => {
    const jam = documentError(status('Idle', 'ScannerAdfJam'), 'NextDocument answered 500');
    expect([jam.hresult, jam.message]).to.deep.equal([WIA_ERROR_PAPER_JAM, 'the scanner stopped the job: ScannerAdfJam (NextDocument answered 500)']);
    expect(documentError(status('Idle', 'ScannerAdfHatchOpen'), 'x').hresult).to.equal(WIA_ERROR_COVER_OPEN);
  });

  it('a scanner that says it is down is offline', () => {
    expect(documentError(status('Down'), 'NextDocument answered 500').hresult).to.equal(WIA_ERROR_OFFLINE);
  });

  it('an empty feeder, a status that explains nothing, or no status at all: a communication error that says what the scanner answered', () => {
    for (const scanner of [status('Idle', 'ScannerAdfEmpty'), status('Stopped', 'ScannerAdfLoaded'), undefined]) {
      const error = documentError(scanner, 'NextDocument answered 500: the scan job failed');
      expect([error.hresult, error.message]).to.deep.equal([WIA_ERROR_DEVICE_COMMUNICATION, 'NextDocument answered 500: the scan job failed']);
    }
  });
});
