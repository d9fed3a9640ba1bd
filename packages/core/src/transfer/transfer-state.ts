import type { WiaError } from '../hresult/index.js';
import type { LatchReason } from './cancel-latch.js';

/**
 * Where one transfer is, as one value. Every change goes through
 * {@link transition}, so the questions "is it cancelled?", "may a cancel
 * still win?" and "must the driver hear CANCEL_IO?" each have one answer.
 */
export type TransferState =
  /** Created, not started: a cancel now latches without the driver ever being called. */
  | { kind: 'idle' }
  /** Driver calls under way; `acquiring` while `drvAcquireItemData` runs. */
  | { kind: 'running'; acquiring: boolean }
  /**
   * Latched by a cancel, an app-side failure or the device's disconnection; `cancelIoSent` when the driver was
   * acquiring at that moment and the device is still there (a disconnected driver hears
   * `WIA_EVENT_DEVICE_DISCONNECTED` instead).
   */
  | { kind: 'latched'; reason: LatchReason; error?: WiaError; cancelIoSent: boolean }
  /** Every driver call returned and every item was flushed and announced: completion has won, cancels are no-ops. */
  | { kind: 'completing' }
  /** The outcome is decided; the engine waits (bounded) for the app's streams to consume what they were handed. */
  | { kind: 'settling' }
  /** The report is final and the app was sent `END_OF_TRANSFER`. */
  | { kind: 'settled' };

/** What can happen to a transfer. */
export type TransferEvent =
  | { type: 'start' }
  | { type: 'acquire'; inProgress: boolean }
  | { type: 'latch'; reason: LatchReason; error?: WiaError }
  | { type: 'complete' }
  | { type: 'decide' }
  | { type: 'settle' };

// The states that carry no data are shared constants, not literals made per transfer: a transfer is `running`
// for its whole length, and such a literal ends up allocated in the old generation (abort/transfer-scoped.ts).
const RUNNING: TransferState = Object.freeze({ kind: 'running', acquiring: false });
const ACQUIRING: TransferState = Object.freeze({ kind: 'running', acquiring: true });
const COMPLETING: TransferState = Object.freeze({ kind: 'completing' });
const SETTLING: TransferState = Object.freeze({ kind: 'settling' });
const SETTLED: TransferState = Object.freeze({ kind: 'settled' });

/** Where every transfer starts. */
export const INITIAL_TRANSFER_STATE: TransferState = Object.freeze({ kind: 'idle' });

/**
 * The single transition function of a transfer. It is pure: the engine
 * compares the state before and after to know what to do (close the latch,
 * notify the driver). Cancel racing completion is decided here and only here:
 * a latch before `complete` wins; after it, the latch is ignored.
 */
export function transition(state: TransferState, event: TransferEvent): TransferState {
  switch (event.type) {
    case 'start':
      return state.kind === 'idle' ? RUNNING : state;
    case 'acquire':
      if (state.kind !== 'running') return state;
      return event.inProgress ? ACQUIRING : RUNNING;
    case 'latch':
      if (state.kind !== 'idle' && state.kind !== 'running') return state;
      return {
        kind: 'latched',
        reason: event.reason,
        ...(event.error ? { error: event.error } : {}),
        cancelIoSent: state.kind === 'running' && state.acquiring && event.reason !== 'device-lost',
      };
    case 'complete':
      return state.kind === 'running' ? COMPLETING : state;
    case 'decide':
      return state.kind === 'settled' ? state : SETTLING;
    case 'settle':
      return SETTLED;
  }
}
