/**
 * The error `promise` rejects with, for a test to look at. Rejects itself —
 * failing the test — when `promise` resolves instead.
 */
export function rejectionOf(promise: Promise<unknown>): Promise<unknown>;
/** The same, and it also fails when the error is not an instance of `type`; the result is typed as one. */
export function rejectionOf<E>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E>;
export async function rejectionOf(promise: Promise<unknown>, type?: abstract new (...args: never[]) => unknown): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    if (type && !(err instanceof type)) throw new Error(`expected a rejection with ${type.name}, got ${String(err)}`, { cause: err });
    return err;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
