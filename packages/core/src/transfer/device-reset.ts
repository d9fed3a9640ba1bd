import { WIA_ERROR_OFFLINE, WiaError } from '../hresult/index.js';
import { guardDriverCall } from './driver-guard.js';
import type { TransferTimers } from './timers.js';

/** Default bound of each step of a device reset. */
export const DEFAULT_RESET_STEP_MS = 5000;

/** The steps of the reset that follows an abandoned plugin, in order. */
export interface DeviceResetSteps {
  /** Resets the hardware (a USB port reset), so that the abandoned session's transfers fail and let go. */
  resetHardware?: () => Promise<void>;
  /** Ends the abandoned driver session (`drvUnInitializeWia`). */
  unInitialize: () => Promise<void>;
  /** Starts a fresh session (`drvInitializeWia` and item properties). */
  initialize: () => Promise<void>;
}

/** How a reset ended: ready for transfers, or offline with the reason. */
export type DeviceResetResult = { ok: true; notes: string[] } | { ok: false; error: WiaError; notes: string[] };

/** Options of {@link resetAbandonedDevice}. */
export interface DeviceResetOptions {
  timers: TransferTimers;
  /** Bound of each step in ms. */
  stepMs: number;
}

/**
 * Resets a device after the watchdog abandoned its plugin, every step
 * bounded by `stepMs`: the hardware reset, then the end of the driver's
 * session, then a fresh session.
 *
 * - A hardware reset that throws is not fatal (some transports cannot
 *   reset; the new session is the real test), but one that hangs is: a port
 *   that does not answer a reset cannot be trusted.
 * - `drvUnInitializeWia` is best effort: a throw (even a synchronous one) or
 *   a hang is noted and the reset goes on.
 * - A fresh session that throws or hangs leaves the device offline
 *   (`WIA_ERROR_OFFLINE`) until it is closed and re-opened.
 */
export async function resetAbandonedDevice(steps: DeviceResetSteps, options: DeviceResetOptions): Promise<DeviceResetResult> {
  const notes: string[] = [];
  const step = <T>(call: () => Promise<T>) => guardDriverCall(call, { timers: options.timers, graceMs: options.stepMs, alwaysBounded: true });
  const offline = (why: string): DeviceResetResult => ({ ok: false, error: new WiaError(WIA_ERROR_OFFLINE, `the device is offline: ${why}; close and re-open it`), notes });

  if (steps.resetHardware) {
    const hardware = await step(steps.resetHardware);
    if (hardware.kind === 'abandoned') return offline(`its hardware reset did not finish within ${options.stepMs} ms`);
    if (hardware.kind === 'threw') notes.push(`the hardware reset failed: ${String(hardware.error)}`);
  }
  const ended = await step(steps.unInitialize);
  if (ended.kind === 'threw') notes.push(`drvUnInitializeWia threw: ${String(ended.error)}`);
  if (ended.kind === 'abandoned') notes.push(`drvUnInitializeWia did not finish within ${options.stepMs} ms`);
  const started = await step(steps.initialize);
  if (started.kind === 'threw') return offline(`a new driver session failed after a reset: ${String(started.error)}`);
  if (started.kind === 'abandoned') return offline(`a new driver session did not start within ${options.stepMs} ms after a reset`);
  return { ok: true, notes };
}
