import createDebug from 'debug';
import { UsbStallError, UsbTimeoutError, WIA_ERROR_BUSY, WiaError, delay, type UsbControlSetup, type UsbTransport } from '@openwia/core';
import { withTransferDeadline } from './ptp-deadline.js';
import { PtpClassRequest, PtpEvent, PtpResponse, ptpCodeName } from './ptp-codes.js';
import type { PtpBulkIn } from './ptp-bulk-in.js';
import type { PtpEndpoints } from './ptp-endpoints.js';

const debug = createDebug('openwia:ptp:recovery');

/** Tuning of the cancel procedure; the defaults suit real cameras. */
export interface PtpRecoveryOptions {
  /** Get Device Status polls before giving up on the device becoming ready (default 40). */
  statusPolls: number;
  /** Pause between polls, ms (default 5). */
  pollIntervalMs: number;
  /** A drain read that sees nothing for this long ends the drain, ms (default 25). */
  drainQuietMs: number;
  /** More stale bytes than this means the device keeps sending: reset it (default 64 MiB). */
  maxDrainBytes: number;
  /** Bound of each control request, ms (default 1000). */
  controlTimeoutMs: number;
}

export const DEFAULT_RECOVERY_OPTIONS: PtpRecoveryOptions = {
  statusPolls: 40,
  pollIntervalMs: 5,
  drainQuietMs: 25,
  maxDrainBytes: 64 * 1024 * 1024,
  controlTimeoutMs: 1000,
};

/** What the device said to Get Device Status. */
export interface PtpDeviceStatus {
  code: number;
  /** Endpoint addresses the device reports halted. */
  stalledEndpoints: number[];
}

/** How a recovery went. */
export interface PtpRecoveryReport {
  cancelRequested: boolean;
  statusPolls: number;
  deviceReset: boolean;
  drainedBytes: number;
}

/**
 * The still-image class cancel procedure: Cancel Request with the
 * transaction id, Get Device Status until the device is ready (clearing the
 * halts it lists), Device Reset when it stays busy, then drain stale bulk IN
 * data so the next transaction starts on a clean pipe.
 */
export class PtpRecovery {
  constructor(
    private readonly usb: UsbTransport,
    private readonly endpoints: PtpEndpoints,
    private readonly bulkIn: PtpBulkIn,
    private readonly options: PtpRecoveryOptions = DEFAULT_RECOVERY_OPTIONS,
  ) {}

  /**
   * Brings the device back to idle after an interrupted transaction
   * (`transactionId`) or a desynchronised pipe (`undefined`). Throws
   * `WIA_ERROR_BUSY` when even a Device Reset leaves it busy.
   */
  async recover(transactionId: number | undefined, signal: AbortSignal): Promise<PtpRecoveryReport> {
    const report: PtpRecoveryReport = { cancelRequested: false, statusPolls: 0, deviceReset: false, drainedBytes: 0 };
    if (transactionId !== undefined) report.cancelRequested = await this.sendCancelRequest(transactionId, signal);
    if (!(await this.waitUntilReady(report, signal))) {
      debug('device stays busy after %d polls: Device Reset', report.statusPolls);
      await this.deviceReset(signal);
      report.deviceReset = true;
      if (!(await this.waitUntilReady(report, signal))) throw new WiaError(WIA_ERROR_BUSY, 'the camera stays busy even after a Device Reset');
    }
    report.drainedBytes = await this.drain(signal);
    if (report.drainedBytes > this.options.maxDrainBytes) {
      await this.deviceReset(signal);
      report.deviceReset = true;
    }
    debug('recovered: %o', report);
    return report;
  }

  /** Device Reset (0x66): the device ends its session and returns to idle. */
  async deviceReset(signal: AbortSignal): Promise<void> {
    await this.control(signal, (bounded, timeoutMs) => this.usb.controlTransferOut(this.setup(PtpClassRequest.DeviceReset), undefined, { signal: bounded, timeoutMs }));
    this.bulkIn.discardPending();
  }

  /** Get Device Status (0x67). A malformed answer reads as busy. */
  async getDeviceStatus(signal: AbortSignal): Promise<PtpDeviceStatus> {
    const bytes = await this.control(signal, (bounded, timeoutMs) => this.usb.controlTransferIn(this.setup(PtpClassRequest.GetDeviceStatus), 64, { signal: bounded, timeoutMs }));
    if (bytes.length < 4) return { code: PtpResponse.DeviceBusy, stalledEndpoints: [] };
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const length = Math.min(view.getUint16(0, true), bytes.length);
    const stalledEndpoints: number[] = [];
    for (let offset = 4; offset + 4 <= length; offset += 4) stalledEndpoints.push(view.getUint32(offset, true) & 0xff);
    return { code: view.getUint16(2, true), stalledEndpoints };
  }

  private async sendCancelRequest(transactionId: number, signal: AbortSignal): Promise<boolean> {
    const data = new Uint8Array(6);
    const view = new DataView(data.buffer);
    view.setUint16(0, PtpEvent.CancelTransaction, true);
    view.setUint32(2, transactionId >>> 0, true);
    try {
      await this.control(signal, (bounded, timeoutMs) => this.usb.controlTransferOut(this.setup(PtpClassRequest.CancelRequest), data, { signal: bounded, timeoutMs }));
      return true;
    } catch (err) {
      if (!(err instanceof UsbStallError)) throw err;
      debug('Cancel Request stalled (not supported?): going on with the status poll');
      return false;
    }
  }

  /** Polls Get Device Status until OK; clears the endpoints it reports halted. */
  private async waitUntilReady(report: PtpRecoveryReport, signal: AbortSignal): Promise<boolean> {
    for (let poll = 0; poll < this.options.statusPolls; poll++) {
      report.statusPolls++;
      let status: PtpDeviceStatus;
      try {
        status = await this.getDeviceStatus(signal);
      } catch (err) {
        if (!(err instanceof UsbStallError)) throw err;
        return true; // no Get Device Status on this device: nothing more to wait for
      }
      for (const endpoint of status.stalledEndpoints) await this.usb.clearHalt(endpoint);
      if (status.code === PtpResponse.OK) return true;
      debug('device status %s', ptpCodeName(status.code));
      await delay(this.options.pollIntervalMs, signal);
    }
    return false;
  }

  /** Reads and discards what is left on bulk IN until it stays quiet; returns the byte count. */
  private async drain(signal: AbortSignal): Promise<number> {
    let drained = this.bulkIn.discardPending();
    const { address, maxPacketSize } = this.endpoints.bulkIn;
    const readSize = Math.max(maxPacketSize, Math.floor(65536 / maxPacketSize) * maxPacketSize);
    for (let stalls = 0; drained <= this.options.maxDrainBytes; ) {
      try {
        const quietMs = this.options.drainQuietMs;
        drained += (await withTransferDeadline(address, quietMs, signal, (bounded) => this.usb.transferIn(address, readSize, { signal: bounded, timeoutMs: quietMs }))).length;
      } catch (err) {
        if (err instanceof UsbStallError && stalls++ < 3) {
          await this.usb.clearHalt(address);
          continue;
        }
        if (err instanceof UsbTimeoutError) {
          drained += err.partialData.length; // what came before the line went quiet
          break;
        }
        throw err;
      }
    }
    if (drained > 0) debug('drained %d stale bytes', drained);
    return drained;
  }

  /** A class request on endpoint 0, bounded by `controlTimeoutMs` on a timer that keeps the process waiting for it. */
  private control<T>(signal: AbortSignal, run: (signal: AbortSignal, timeoutMs: number) => Promise<T>): Promise<T> {
    return withTransferDeadline(0, this.options.controlTimeoutMs, signal, run);
  }

  private setup(request: number): UsbControlSetup {
    return { requestType: 'class', recipient: 'interface', request, value: 0, index: this.endpoints.interfaceNumber };
  }
}
