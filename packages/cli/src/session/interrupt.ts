import { constants } from 'node:os';

/** The signals that cancel a command: Ctrl-C, and `kill`/a service manager stopping it. */
export const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A signal that cancels a command. */
export type CancelSignal = (typeof CANCEL_SIGNALS)[number];

/** The exit status of a process ended by `signal`, as a shell reports it (130 for SIGINT, 143 for SIGTERM). */
export function exitStatusFor(signal: CancelSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Ends the process by `signal` itself, its default action restored: the way a program that
 * cleaned up after a signal should end (a shell sees the interruption — `$?` is 130 for SIGINT,
 * 143 for SIGTERM — and a script's loop stops, which `exit(130)` would not make it do). It is
 * also the quickest way out: the kernel ends every thread at once, where `process.exit()` first
 * runs exit handlers, waits for any worker thread to stop and tears down V8. Call it only once the
 * output is flushed and the files are settled.
 */
export function exitBySignal(signal: CancelSignal): void {
  // Without a listener left, Node gives the signal its default action back (it still resets the terminal first).
  for (const s of CANCEL_SIGNALS) process.removeAllListeners(s);
  process.kill(process.pid, signal);
  // Delivery may take a moment (another thread can take it); should the signal not end the process, its status still says what happened.
  setTimeout(() => process.exit(exitStatusFor(signal)), 1000);
}

let endingSignal: CancelSignal | undefined;

/** The command was cancelled by `signal`: the process is to end by it (see {@link exitBySignal}) once the command is over. */
export function endBySignal(signal: CancelSignal): void {
  endingSignal = signal;
}

/** The signal the process is to end by, if a command was cancelled by one. */
export function signalToEndBy(): CancelSignal | undefined {
  return endingSignal;
}

/** What {@link listenForCancelSignal} returns. */
export interface CancelSignalListener {
  /** Resolves with the first SIGINT or SIGTERM received. */
  readonly received: Promise<CancelSignal>;
  /** Stops listening; a signal after that has its default action again (unless someone else listens). */
  dispose(): void;
}

/**
 * Listens for the first SIGINT or SIGTERM, for a command that runs until told to stop (`serve`,
 * `watch`). Start it before saying the command is up: a signal sent on seeing that line must find
 * the listener, or it kills the process the default way, without the command's clean-up.
 */
export function listenForCancelSignal(): CancelSignalListener {
  let dispose = (): void => undefined;
  const received = new Promise<CancelSignal>((resolve) => {
    const onSignal = (signal: CancelSignal): void => {
      dispose();
      resolve(signal);
    };
    for (const signal of CANCEL_SIGNALS) process.on(signal, onSignal);
    dispose = () => {
      for (const signal of CANCEL_SIGNALS) process.off(signal, onSignal);
    };
  });
  return { received, dispose: () => dispose() };
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
 * once by that first signal ({@link exitBySignal}), after `onForce` (synchronous clean-up, e.g.
 * removing partial files). Keep the handler until the clean-up is done: a signal that arrives after it is
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
    exitBySignal(received);
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
