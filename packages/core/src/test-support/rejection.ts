// Core's tests build before the testkit (which depends on core), so they cannot use its
// `rejectionOf`; this is the one copy they share.

/** The error `promise` rejects with, for a test to look at; fails the test when `promise` resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection, but the promise resolved');
    },
    (err: unknown) => err,
  );
}
