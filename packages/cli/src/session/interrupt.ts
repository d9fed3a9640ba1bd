import { constants } from 'node:os';

/** The signals that cancel a command: Ctrl-C, and `kill`/a service manager stopping it. */
export const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A signal that cancels a command. */
export type CancelSignal = (typeof CANCEL_SIGNALS)[number];

/** The exit status of a process ended by `signal`, as a shell reports it (130 for SIGINT, 143 for SIGTERM). */
export function exitStatusFor(signal: CancelSignal): number {
  return 128 + constants.signals[signal];
}

/** What {@link handleInterrupts} returns. */
export interface InterruptHandler {
  /** The first signal received, if any. */
  readonly received: CancelSignal | undefined;
  /**
   * Stops listening, unless a signal already arrived: then the process is on its way out, and a
   * second signal during its tear-down must still quit at once with the right status rather than
   * kill it the default way. Call once the clean-up of a forced quit is no longer needed.
   */
  dispose(): void;
}

/**
 * Ctrl-C (SIGINT) and SIGTERM handling for long work: the first signal aborts `controller`
 * (the transfer is cancelled and allowed to settle), a second one forces the process out at
 * once with status 128+signal, after `onForce` (synchronous clean-up, e.g. removing partial
 * files). Keep the handler until the clean-up is done: a signal that arrives after it is
 * disposed kills the process the default way, without clean-up.
 */
export function handleInterrupts(controller: AbortController, say: (line: string) => void, onForce: () => void = () => undefined, signalSource: NodeJS.EventEmitter = process): InterruptHandler {
  let received: CancelSignal | undefined;
  const onSignal = (signal: CancelSignal): void => {
    if (received === undefined) {
      received = signal;
      say(`cancelling… (${signal === 'SIGINT' ? 'press Ctrl-C again' : 'send it again'} to quit at once)`);
      controller.abort();
      return;
    }
    say('quitting without waiting for the transfer to settle');
    onForce();
    process.exit(exitStatusFor(received));
  };
  for (const signal of CANCEL_SIGNALS) signalSource.on(signal, onSignal);
  return {
    get received() {
      return received;
    },
    dispose: () => {
      if (received !== undefined) return;
      for (const signal of CANCEL_SIGNALS) signalSource.off(signal, onSignal);
    },
  };
}
