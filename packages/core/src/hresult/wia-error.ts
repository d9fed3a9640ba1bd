import { E_ABORT, E_FAIL, HResult, S_FALSE, failed, formatHResult, hresultName } from './hresult.js';

/** Options for {@link WiaError}. */
export interface WiaErrorOptions {
  /** The underlying error, kept for diagnostics. */
  cause?: unknown;
}

/**
 * The one error type of OpenWIA: every failure that crosses a package boundary
 * is a `WiaError` carrying the HRESULT that WIA would report, so callers branch
 * on `hresult` rather than on message text.
 */
export class WiaError extends Error {
  /** The HRESULT (unsigned 32-bit). */
  readonly hresult: HResult;
  /** The SDK name of {@link hresult}, e.g. `WIA_ERROR_PAPER_JAM`. */
  readonly code: string;

  constructor(hresult: HResult, message?: string, options: WiaErrorOptions = {}) {
    const hr = hresult >>> 0;
    const code = hresultName(hr);
    super(message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WiaError';
    this.hresult = hr;
    this.code = code;
  }

  /** A readable one-liner: `WiaError WIA_ERROR_PAPER_JAM (0x80210002): paper jam on page 4`. */
  override toString(): string {
    return `${this.name} ${this.code} (${formatHResult(this.hresult)}): ${this.message}`;
  }

  /**
   * Wraps anything thrown into a `WiaError`: a `WiaError` is returned as is,
   * an `AbortError` becomes a {@link CancelledError}, anything else becomes
   * `fallback` with the original kept as `cause`.
   */
  static from(thrown: unknown, fallback: HResult = E_FAIL, context?: string): WiaError {
    if (thrown instanceof WiaError) return thrown;
    const detail = thrown instanceof Error ? thrown.message : String(thrown);
    const message = context ? `${context}: ${detail}` : detail;
    // A DOM AbortError stays recognisable as a cancellation.
    if (isCancelledError(thrown)) return new CancelledError(message, { cause: thrown });
    return new WiaError(fallback, message, { cause: thrown });
  }
}

/**
 * The error a cancelled operation rejects with. Recognisable without string
 * matching: `err instanceof CancelledError`, `err.cancelled === true`, or
 * `err.name === 'AbortError'` as web APIs do.
 */
export class CancelledError extends WiaError {
  readonly cancelled = true as const;

  constructor(message = 'the operation was cancelled', options: WiaErrorOptions = {}) {
    super(E_ABORT, message, options);
    this.name = 'AbortError';
  }
}

/** `true` when `err` reports a cancellation (ours, or a DOM `AbortError`). */
export function isCancelledError(err: unknown): boolean {
  if (err instanceof CancelledError) return true;
  return err instanceof Error && err.name === 'AbortError';
}

/** Throws a `WiaError` for a failed HRESULT; returns success codes unchanged. */
export function checkHResult(hr: HResult, context?: string): HResult {
  if (failed(hr)) throw new WiaError(hr, context ? `${context} failed with ${hresultName(hr)}` : undefined);
  return hr;
}

/** `true` for the two ways a result says "cancelled": `S_FALSE` or `E_ABORT`. */
export function isCancelledHResult(hr: HResult): boolean {
  return hr === S_FALSE || hr >>> 0 === E_ABORT;
}
