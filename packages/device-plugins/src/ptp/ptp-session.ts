import createDebug from 'debug';
import { UsbStallError, WIA_ERROR_OFFLINE, WiaError, type UsbTransport } from '@openwia/core';
import { ExclusiveLock } from './exclusive-lock.js';
import { PtpBulkIn } from './ptp-bulk-in.js';
import { PTP_HEADER_SIZE, PTP_MAX_PARAMS, PTP_SESSION_ID, PtpContainerType, PtpOperation, PtpResponse, ptpCodeName } from './ptp-codes.js';
import { PtpContainerCodec } from './ptp-container.js';
import { joinContainer, readBody, readHeader, type HeaderRead } from './ptp-container-reader.js';
import { PtpDataInStream, type PtpOpenTransaction } from './ptp-data-in.js';
import type { PtpEndpoints } from './ptp-endpoints.js';
import { withTransferDeadline } from './ptp-deadline.js';
import { PtpProtocolError, PtpResponseError } from './ptp-errors.js';
import { retryUnperformed } from './ptp-retry.js';
import { DEFAULT_RECOVERY_OPTIONS, PtpRecovery, type PtpRecoveryOptions, type PtpRecoveryReport } from './ptp-recovery.js';

const debug = createDebug('openwia:ptp:session');

/** Largest response container: header and five parameters. */
const MAX_RESPONSE_LENGTH = PTP_HEADER_SIZE + PTP_MAX_PARAMS * 4;

/** Default bound of each bulk transfer, ms: a camera silent for this long is not going to answer. */
export const DEFAULT_PTP_IO_TIMEOUT_MS = 15_000;

/** Tuning of a {@link PtpSession}. */
export interface PtpSessionOptions {
  recovery?: Partial<PtpRecoveryOptions>;
  /** Bound of each bulk transfer (default {@link DEFAULT_PTP_IO_TIMEOUT_MS}); a timeout fails the transaction and resynchronises. */
  ioTimeoutMs?: number;
  /** How long DeviceBusy answers are retried (doubling pauses from 10 ms) before WIA_ERROR_BUSY (default 3000; 0: never). */
  busyRetryMs?: number;
}

/** The transaction in progress on the pipes. */
interface ActiveTransaction {
  operation: number;
  transactionId: number;
  /** The command (may have) reached the device and no response header has come back: the device owes the transaction. */
  owed: boolean;
}

/**
 * One PTP session over a device's bulk pipes: transaction ids, one
 * transaction at a time, the command → data → response order, and
 * resynchronisation. Any transaction that ends abnormally (aborted read,
 * malformed container, stall) leaves the session "interrupted"; before the
 * next transaction — or when the driver asks — it runs the class cancel
 * procedure, so a cancelled transfer never poisons the next one.
 */
export class PtpSession {
  private readonly lock = new ExclusiveLock();
  private readonly bulkIn: PtpBulkIn;
  private readonly recovery: PtpRecovery;
  private readonly ioTimeoutMs: number;
  private readonly busyRetryMs: number;
  private nextTransactionId = 1;
  private sessionOpen = false;
  private active: ActiveTransaction | undefined;
  private interrupted: { transactionId: number | undefined } | undefined;
  /** The last recovery, for diagnostics and tests. */
  lastRecovery: PtpRecoveryReport | undefined;

  constructor(
    private readonly usb: UsbTransport,
    private readonly endpoints: PtpEndpoints,
    options: PtpSessionOptions = {},
  ) {
    this.ioTimeoutMs = options.ioTimeoutMs ?? DEFAULT_PTP_IO_TIMEOUT_MS;
    this.busyRetryMs = options.busyRetryMs ?? 3000;
    this.bulkIn = new PtpBulkIn(usb, endpoints.bulkIn.address, endpoints.bulkIn.maxPacketSize, this.ioTimeoutMs);
    this.recovery = new PtpRecovery(usb, endpoints, this.bulkIn, { ...DEFAULT_RECOVERY_OPTIONS, ...options.recovery });
  }

  /** `true` after an abnormal end, until the cancel procedure has run. */
  get needsRecovery(): boolean {
    return this.interrupted !== undefined;
  }

  /** Opens the session (OpenSession, transaction id 0); a session the device already had open is taken over. */
  async openSession(signal: AbortSignal): Promise<void> {
    const release = await this.lock.acquire(signal);
    try {
      await this.openSessionLocked(signal);
    } finally {
      release();
    }
  }

  /** Closes the session; errors are swallowed (the device may already be gone). */
  async closeSession(signal: AbortSignal): Promise<void> {
    if (!this.sessionOpen) return;
    await this.operation(PtpOperation.CloseSession, [], signal).catch((err: unknown) => debug('CloseSession failed: %s', String(err)));
    this.sessionOpen = false;
  }

  /** A transaction without a data phase; resolves with the response parameters. */
  async operation(operation: number, params: readonly number[], signal: AbortSignal): Promise<number[]> {
    return this.transaction(operation, params, signal, async (tx) => {
      const first = await readHeader(this.bulkIn, signal);
      return this.readResponse(tx, first, signal);
    });
  }

  /**
   * A transaction with a data-in phase read whole and handed to `parse`. A
   * data container over `maxBytes` is refused before it is read; a dataset
   * that does not parse also resynchronises the session (a device that sent
   * nonsense may have more queued).
   */
  async operationWithData<T>(operation: number, params: readonly number[], maxBytes: number, signal: AbortSignal, parse: (data: Uint8Array) => T): Promise<T> {
    return this.transaction(operation, params, signal, async (tx) => {
      const first = await readHeader(this.bulkIn, signal);
      if (first.header.type === PtpContainerType.Response) {
        await this.readResponse(tx, first, signal);
        throw new PtpProtocolError('type', `${ptpCodeName(operation)} answered OK without its data phase`);
      }
      this.checkDataHeader(tx, first);
      const { body } = await readBody(this.bulkIn, first, PTP_HEADER_SIZE + maxBytes, signal);
      await this.readResponse(tx, await readHeader(this.bulkIn, signal), signal);
      return parse(body);
    });
  }

  /**
   * A transaction whose data-in phase is streamed into the caller's buffers.
   * The session stays taken until the stream ends or is closed; a stream
   * closed early gives the transaction up (cancelled on the device later).
   */
  async openDataIn(operation: number, params: readonly number[], signal: AbortSignal): Promise<PtpDataInStream> {
    const release = await this.lock.acquire(signal);
    let handedOver = false;
    try {
      const { tx, first } = await this.withSessionRetry(signal, async () => {
        const begun = await this.begin(operation, params, signal);
        const header = await readHeader(this.bulkIn, signal);
        if (header.header.type === PtpContainerType.Response) {
          await this.readResponse(begun, header, signal);
          throw new PtpProtocolError('type', `${ptpCodeName(operation)} answered OK without its data phase`);
        }
        return { tx: begun, first: header };
      });
      this.checkDataHeader(tx, first);
      const stream = new PtpDataInStream(this.bulkIn, first.header, first.transferEnded, this.lend(tx, release));
      handedOver = true;
      return stream;
    } catch (err) {
      this.noteFailure(err);
      throw err;
    } finally {
      if (!handedOver) release();
    }
  }

  /**
   * Runs the cancel procedure when a transaction was interrupted (the
   * driver's `cancelDevice`); a no-op otherwise. Waits for any transaction
   * still holding the session.
   */
  async recoverIfInterrupted(signal: AbortSignal): Promise<void> {
    const release = await this.lock.acquire(signal);
    try {
      if (this.interrupted) await this.recoverLocked(signal);
    } finally {
      release();
    }
  }

  private async transaction<T>(operation: number, params: readonly number[], signal: AbortSignal, body: (tx: ActiveTransaction) => Promise<T>): Promise<T> {
    const release = await this.lock.acquire(signal);
    try {
      return await this.withSessionRetry(signal, async () => {
        const tx = await this.begin(operation, params, signal);
        const result = await body(tx);
        this.active = undefined;
        return result;
      });
    } catch (err) {
      this.noteFailure(err);
      throw err;
    } finally {
      release();
    }
  }

  /** Recovers if needed, opens the session if needed, sends the command. Called with the lock held. */
  private async begin(operation: number, params: readonly number[], signal: AbortSignal): Promise<ActiveTransaction> {
    if (this.interrupted) await this.recoverLocked(signal);
    if (!this.sessionOpen) await this.openSessionLocked(signal);
    return this.sendCommand(operation, params, this.allocateTransactionId(), signal);
  }

  /** Runs a transaction again when the device did not carry it out (see {@link retryUnperformed}). */
  private withSessionRetry<T>(signal: AbortSignal, attempt: () => Promise<T>): Promise<T> {
    return retryUnperformed(attempt, { signal, busyRetryMs: this.busyRetryMs, sessionLost: () => (this.sessionOpen = false) });
  }

  /**
   * OpenSession. A device that still has a session (of an earlier host, or of ours before a crash) answers
   * SessionAlreadyOpened and expects transaction ids we cannot know: end it with a Device Reset and open ours.
   */
  private async openSessionLocked(signal: AbortSignal): Promise<void> {
    if (this.interrupted) await this.recoverLocked(signal);
    if ((await this.sendOpenSessionOnCleanPipe(signal)) === 'already-open') {
      debug('the device had a session open already: Device Reset, then a new session');
      const reset = await this.recovery.deviceReset(signal).then(
        () => true,
        (err: unknown) => (err instanceof UsbStallError ? false : Promise.reject(err)),
      );
      if (!reset || (await this.sendOpenSession(signal)) === 'already-open') debug('no Device Reset on this device: taking the session over');
    }
    this.active = undefined;
    this.sessionOpen = true;
    this.nextTransactionId = 1;
  }

  /**
   * OpenSession on a pipe that may still hold what an earlier host left: a host that died in the middle of a
   * download (killed, crashed) leaves the rest of the object queued on bulk IN, and the camera in that
   * transaction. The reply is then not a container of ours: resynchronise (Get Device Status, Device Reset if
   * the camera stays busy, drain) and send OpenSession once more. Costs nothing when the pipe is clean.
   */
  private async sendOpenSessionOnCleanPipe(signal: AbortSignal): Promise<'opened' | 'already-open'> {
    try {
      return await this.sendOpenSession(signal);
    } catch (err) {
      if (!(err instanceof PtpProtocolError)) throw err;
      debug('OpenSession was answered by stale data (%s): resynchronising', err.message);
      // The transaction the stale data belongs to is an earlier host's, its id unknown: no Cancel Request.
      this.interrupted = { transactionId: undefined };
      await this.recoverLocked(signal);
      return this.sendOpenSession(signal);
    }
  }

  private async sendOpenSession(signal: AbortSignal): Promise<'opened' | 'already-open'> {
    const tx = await this.sendCommand(PtpOperation.OpenSession, [PTP_SESSION_ID], 0, signal);
    try {
      await this.readResponse(tx, await readHeader(this.bulkIn, signal), signal);
      return 'opened';
    } catch (err) {
      if (err instanceof PtpResponseError && err.responseCode === PtpResponse.SessionAlreadyOpened) return 'already-open';
      this.noteFailure(err);
      throw err;
    }
  }

  private async sendCommand(operation: number, params: readonly number[], transactionId: number, signal: AbortSignal): Promise<ActiveTransaction> {
    // Owed from the moment the command may be on the wire: an OUT transfer aborted mid-way may still have
    // reached the device, and a Cancel Request for a transaction it never saw is ignored by the device.
    const tx: ActiveTransaction = { operation, transactionId, owed: !signal.aborted };
    this.active = tx;
    const command = PtpContainerCodec.encodeCommand(operation, transactionId, params);
    const out = this.endpoints.bulkOut.address;
    await withTransferDeadline(out, this.ioTimeoutMs, signal, (bounded, timeoutMs) => this.usb.transferOut(out, command, { signal: bounded, timeoutMs }));
    return tx;
  }

  private allocateTransactionId(): number {
    const id = this.nextTransactionId;
    this.nextTransactionId = id >= 0xfffffffe ? 1 : id + 1;
    return id;
  }

  private checkDataHeader(tx: ActiveTransaction, { header }: HeaderRead): void {
    if (header.type !== PtpContainerType.Data) throw new PtpProtocolError('type', `expected a data container for ${ptpCodeName(tx.operation)}, got type ${header.type}`);
    if (header.transactionId !== tx.transactionId) {
      throw new PtpProtocolError('transaction', `data for transaction ${header.transactionId} arrived during transaction ${tx.transactionId}`);
    }
    if (header.code !== tx.operation) throw new PtpProtocolError('code', `data container says ${ptpCodeName(header.code)} during ${ptpCodeName(tx.operation)}`);
  }

  /** Reads the rest of a response container and checks it; a non-OK code throws {@link PtpResponseError}. */
  private async readResponse(tx: ActiveTransaction, first: HeaderRead, signal: AbortSignal): Promise<number[]> {
    if (first.header.type !== PtpContainerType.Response) {
      throw new PtpProtocolError('type', `expected the response to ${ptpCodeName(tx.operation)}, got a container of type ${first.header.type}`);
    }
    tx.owed = false;
    const { header, body } = await readBody(this.bulkIn, first, MAX_RESPONSE_LENGTH, signal);
    const response = PtpContainerCodec.decodeResponse(joinContainer(header, body));
    if (response.transactionId !== tx.transactionId) {
      throw new PtpProtocolError('transaction', `response for transaction ${response.transactionId} arrived during transaction ${tx.transactionId}`);
    }
    if (this.bulkIn.pendingBytes > 0) {
      // The response did not end the device's transfer: whatever follows is not ours. Keep the answer, resync before the next.
      debug('%d stray bytes after the response to %s', this.bulkIn.pendingBytes, ptpCodeName(tx.operation));
      this.interrupted ??= { transactionId: undefined };
    }
    if (response.code !== PtpResponse.OK) {
      this.active = undefined;
      throw new PtpResponseError(tx.operation, response.code);
    }
    return response.params;
  }

  /** Lends the open transaction to a data stream; the lock goes back when it completes or is abandoned. */
  private lend(tx: ActiveTransaction, release: () => void): PtpOpenTransaction {
    let settled = false;
    const settle = (): void => {
      settled = true;
      release();
    };
    return {
      operation: tx.operation,
      transactionId: tx.transactionId,
      complete: async (signal) => {
        try {
          const params = await this.readResponse(tx, await readHeader(this.bulkIn, signal), signal);
          this.active = undefined;
          return params;
        } catch (err) {
          this.noteFailure(err);
          throw err;
        } finally {
          settle();
        }
      },
      abandon: () => {
        if (settled) return;
        this.noteFailure(new PtpProtocolError('transaction', 'data phase abandoned'));
        settle();
      },
    };
  }

  /** After an abnormal end: remember to resynchronise (cancelling the transaction when the device still owes it). */
  private noteFailure(err: unknown): void {
    const tx = this.active;
    this.active = undefined;
    if (err instanceof PtpResponseError) return; // a proper answer: the pipes are in step
    if (err instanceof WiaError && err.hresult === WIA_ERROR_OFFLINE) return; // gone: nothing to resynchronise
    const transactionId = tx?.owed ? tx.transactionId : undefined;
    this.interrupted ??= { transactionId };
    if (transactionId !== undefined) this.interrupted.transactionId = transactionId;
    debug('transaction %s ended abnormally: %s', tx ? ptpCodeName(tx.operation) : '-', String(err));
  }

  private async recoverLocked(signal: AbortSignal): Promise<void> {
    const report = await this.recovery.recover(this.interrupted?.transactionId, signal);
    this.lastRecovery = report;
    this.interrupted = undefined;
    if (report.deviceReset) this.sessionOpen = false;
  }
}
