import {
  WIA_ERROR_BUSY,
  WIA_ERROR_COVER_OPEN,
  WIA_ERROR_DEVICE_COMMUNICATION,
  WIA_ERROR_MULTI_FEED,
  WIA_ERROR_OFFLINE,
  WIA_ERROR_PAPER_EMPTY,
  WIA_ERROR_PAPER_JAM,
  WIA_ERROR_PAPER_PROBLEM,
  WIA_ERROR_USER_INTERVENTION,
  WiaError,
  type HResult,
} from '@openwia/core';
import type { EsclStatus } from './xml/status.js';

/** The WIA error for a feeder condition (`scan:AdfState`), or `undefined` when it is not an error. */
export function adfStateError(adfState: string | undefined): HResult | undefined {
  switch (adfState) {
    case 'ScannerAdfJam':
      return WIA_ERROR_PAPER_JAM;
    case 'ScannerAdfEmpty':
      return WIA_ERROR_PAPER_EMPTY;
    case 'ScannerAdfDoorOpen':
    case 'ScannerAdfHatchOpen':
      return WIA_ERROR_COVER_OPEN;
    case 'ScannerAdfMultipickDetected':
      return WIA_ERROR_MULTI_FEED;
    case 'ScannerAdfMispick':
    case 'ScannerAdfInputTrayFailed':
    case 'ScannerAdfInputTrayOverloaded':
      return WIA_ERROR_PAPER_PROBLEM;
    default:
      return undefined;
  }
}

/** The WIA error that explains why a scanner refused or stopped a job, read from its status. */
export function statusError(status: EsclStatus, fallback: HResult = WIA_ERROR_DEVICE_COMMUNICATION): WiaError {
  const adf = adfStateError(status.adfState);
  if (adf !== undefined) return new WiaError(adf, `the scanner reports ${status.adfState}`);
  if (status.state === 'Down') return new WiaError(WIA_ERROR_OFFLINE, 'the scanner is down');
  if (status.state === 'Stopped') return new WiaError(WIA_ERROR_USER_INTERVENTION, 'the scanner is stopped and needs attention');
  if (status.state === 'Processing') return new WiaError(WIA_ERROR_BUSY, 'the scanner is busy with another job');
  return new WiaError(fallback, `the scanner refused the job (state ${status.state})`);
}

/**
 * The WIA error for a job whose `NextDocument` failed (neither a page nor `404`), from the scanner's status when it
 * explains it — a feeder fault, a scanner down — else `WIA_ERROR_DEVICE_COMMUNICATION` with `what` (the answer).
 */
export function documentError(status: EsclStatus | undefined, what: string): WiaError {
  const adf = adfStateError(status?.adfState);
  if (adf !== undefined && adf !== WIA_ERROR_PAPER_EMPTY) return new WiaError(adf, `the scanner stopped the job: ${status!.adfState} (${what})`);
  if (status?.state === 'Down') return new WiaError(WIA_ERROR_OFFLINE, `the scanner is down (${what})`);
  return new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, what);
}
