/**
 * Ctrl-C handling for long work: the first SIGINT aborts `controller` (the
 * transfer is cancelled and allowed to settle), a second one forces the
 * process out at once with status 130, after `onForce` (synchronous
 * clean-up, e.g. removing partial files).
 */
export function handleInterrupts(controller: AbortController, say: (line: string) => void, onForce: () => void = () => undefined, signalSource: NodeJS.EventEmitter = process): () => void {
  let count = 0;
  const onSignal = (): void => {
    count++;
    if (count === 1) {
      say('cancelling… (press Ctrl-C again to quit at once)');
      controller.abort();
      return;
    }
    say('quitting without waiting for the transfer to settle');
    onForce();
    process.exit(130);
  };
  signalSource.on('SIGINT', onSignal);
  return () => signalSource.off('SIGINT', onSignal);
}
