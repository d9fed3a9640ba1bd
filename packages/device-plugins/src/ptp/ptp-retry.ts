import createDebug from 'debug';
import { delay } from '@openwia/core';
import { PtpResponse, ptpCodeName } from './ptp-codes.js';
import { PtpResponseError } from './ptp-errors.js';

const debug = createDebug('openwia:ptp:session');

/** Answers meaning the device does not hold our session (any more). */
const SESSION_LOST: ReadonlySet<number> = new Set([PtpResponse.SessionNotOpen, PtpResponse.InvalidTransactionID]);

/** First pause before asking a busy device again, ms. */
const FIRST_BUSY_PAUSE_MS = 10;

/** How {@link retryUnperformed} retries. */
export interface UnperformedRetry {
  signal: AbortSignal;
  /** DeviceBusy answers are retried while the pauses add up to at most this, ms (0: never). */
  busyRetryMs: number;
  /** Called before the one retry after a lost session: the next attempt must open a new session. */
  sessionLost(): void;
}

/**
 * Runs `attempt` (one transaction) again when the device answered that it
 * did not carry it out. A device that lost our session (re-enumerated after
 * an unplug, reset behind our back) answers SessionNotOpen; one that holds
 * another host's session answers InvalidTransactionID: once, after
 * `sessionLost()`. DeviceBusy — what phones answer for a while after a
 * cancel, and cameras while they write a file — after a doubling pause, as
 * long as the pauses stay within `busyRetryMs`; past it the caller gets the
 * DeviceBusy error (`WIA_ERROR_BUSY`). Any other failure is thrown at once.
 */
export async function retryUnperformed<T>(attempt: () => Promise<T>, retry: UnperformedRetry): Promise<T> {
  let sessionReopened = false;
  let pauseMs = FIRST_BUSY_PAUSE_MS;
  for (let waitedMs = 0; ; ) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof PtpResponseError)) throw err;
      if (SESSION_LOST.has(err.responseCode) && !sessionReopened) {
        debug('%s: opening a new session and trying again', ptpCodeName(err.responseCode));
        sessionReopened = true;
        retry.sessionLost();
        continue;
      }
      if (err.responseCode !== PtpResponse.DeviceBusy || waitedMs + pauseMs > retry.busyRetryMs) throw err;
      debug('DeviceBusy: asking again in %d ms', pauseMs);
      await delay(pauseMs, retry.signal);
      waitedMs += pauseMs;
      pauseMs *= 2;
    }
  }
}
