import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * Waits until a page has its first bytes or has ended. `false` when the
 * transfer cut it short before any byte (a cancel), or `signal` aborted (the
 * client left): the caller answers without promising a page.
 */
export function pageHasBytes(stream: Readable, signal: AbortSignal): Promise<boolean> {
  if (stream.readableLength > 0 || stream.readableEnded) return Promise.resolve(true);
  if (stream.destroyed || signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (value: boolean): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    };
    // The first chunk goes back to the front: whoever reads the page next gets it all.
    const onData = (chunk: Buffer): void => {
      stream.pause();
      stream.unshift(chunk);
      settle(true);
    };
    const onEnd = (): void => settle(true);
    const onClose = (): void => settle(false);
    const onAbort = (): void => settle(false);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** How copying a page to its response ended. */
export type PageCopyOutcome = 'complete' | 'cut-short' | 'client-gone';

/**
 * Copies a page to its HTTP response with backpressure (the response's
 * socket paces the page stream, which paces the device read). Leaves the
 * response open when the page is cut short, so the caller decides between
 * ending it and breaking the connection.
 */
export function copyPage(stream: Readable, res: ServerResponse): Promise<PageCopyOutcome> {
  return new Promise((resolve) => {
    let done = false;
    const settle = (outcome: PageCopyOutcome): void => {
      if (done) return;
      done = true;
      stream.unpipe(res);
      res.off('finish', onFinish);
      res.off('close', onResClose);
      stream.off('close', onPageClose);
      resolve(outcome);
    };
    const onFinish = (): void => settle('complete');
    const onResClose = (): void => settle(res.writableFinished ? 'complete' : 'client-gone');
    const onPageClose = (): void => {
      if (!stream.readableEnded) settle('cut-short');
    };
    res.once('finish', onFinish);
    res.once('close', onResClose);
    stream.once('close', onPageClose);
    stream.pipe(res);
  });
}
