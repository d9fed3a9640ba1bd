/**
 * The clock the engine's watchdog uses. Injectable so that tests drive time
 * by hand instead of sleeping.
 */
export interface TransferTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's own timers. */
export const realTimers: TransferTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
