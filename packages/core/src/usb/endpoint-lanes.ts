import { raceAbort } from '../abort/abort.js';
import { UsbTransferAbortedError } from './errors.js';

/**
 * One lane per endpoint: a transfer is submitted only after the previous one
 * on its endpoint has completed. That keeps a cancelled transfer from leaving
 * I/O pending under the next one, and sidesteps macOS libusb cancelling every
 * transfer of an endpoint at once.
 */
export class EndpointLanes {
  private readonly tails = new Map<number, Promise<void>>();

  /** Runs `submit` in its turn; an abort while waiting rejects at once without submitting. */
  async run<T>(endpointAddress: number, signal: AbortSignal | undefined, submit: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(endpointAddress) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(endpointAddress, tail);
    try {
      await raceAbort(previous, signal, (aborted) => new UsbTransferAbortedError(endpointAddress, new Uint8Array(0), { cause: aborted.reason }));
      return await submit();
    } finally {
      done();
      if (this.tails.get(endpointAddress) === tail) this.tails.delete(endpointAddress);
    }
  }
}
