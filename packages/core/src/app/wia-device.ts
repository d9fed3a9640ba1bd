import { EventEmitter } from 'eventemitter3';
import { E_INVALIDARG, WIA_ERROR_BUSY, WIA_ERROR_EXCEPTION_IN_DRIVER, WIA_ERROR_ITEM_DELETED, WIA_ERROR_OFFLINE, WiaError } from '../hresult/index.js';
import {
  WIA_EVENT_DEVICE_DISCONNECTED,
  WIA_EVENT_ITEM_CREATED,
  WIA_EVENT_ITEM_DELETED,
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  type IWiaMiniDrv,
  type WiaDriverServices,
  type WiaDrvItem,
  type WiaEventGuid,
  type WiaFormatInfo,
  type WiaPropertyValue,
} from '../minidriver/index.js';
import {
  DEFAULT_RESET_STEP_MS,
  DEFAULT_WATCHDOG_GRACE_MS,
  TransferRun,
  guardDriverCall,
  realTimers,
  resetAbandonedDevice,
  type ContractViolation,
  type TransferReport,
  type TransferTimers,
} from '../transfer/index.js';
import { acquire, acquirePages, type AcquireOptions, type AcquireResult, type AcquiredPage } from './acquire.js';
import { WiaTransfer, type StartedTransfer, type TransferRequest, type WiaTransferHost } from './wia-transfer.js';

/** Options of {@link WiaDevice.open}. */
export interface WiaDeviceOptions {
  /** The id apps know the device by, e.g. `sim:camera` or `usb:04a9:1234@1-4`. */
  deviceId: string;
  /** Watchdog grace period after a cancel, in ms. */
  graceMs?: number;
  /** The watchdog's clock (tests). */
  timers?: TransferTimers;
  /** Resets the hardware (e.g. a USB port reset) when a plugin had to be abandoned. */
  resetHardware?: () => Promise<void>;
  /** Bound of each step of that reset, in ms (default {@link DEFAULT_RESET_STEP_MS}). */
  resetStepMs?: number;
}

/** Typed events of a {@link WiaDevice}. */
export interface WiaDeviceEvents {
  /** A device event raised by the driver (item created/deleted, scan button, ...). */
  event: (event: WiaEventGuid, fullItemName: string | undefined) => void;
  /** A transfer on this device settled. */
  transferSettled: (report: TransferReport, fullItemName: string) => void;
  /** A transfer on this device was cancelled while the driver was acquiring: it was sent `WIA_EVENT_CANCEL_IO`. */
  cancelIo: (fullItemName: string) => void;
  /** The driver broke the cancellation contract; the core contained it. */
  nonConforming: (violation: ContractViolation) => void;
  /** The device was reset and its item tree rebuilt after a plugin was abandoned. */
  reset: () => void;
  /**
   * The device went offline — it was disconnected ({@link WiaDevice.notifyDisconnected}), or the reset after an
   * abandoned plugin failed — and refuses transfers with `error` until it is closed and re-opened.
   */
  offline: (error: WiaError) => void;
}

/**
 * A {@link StartedTransfer} as {@link WiaDevice.startTransfer} returns it: a
 * class, not a literal, because the caller keeps it for the whole transfer
 * (see abort/transfer-scoped.ts).
 */
class RunningTransfer implements StartedTransfer {
  constructor(
    readonly run: TransferRun,
    readonly report: Promise<TransferReport>,
  ) {}
}

/**
 * One open device: a driver session, its item tree, and the place transfers
 * start. One transfer runs at a time: a second `Download`/`Upload` while one
 * runs rejects at once with `WIA_ERROR_BUSY` (the app may retry once the first
 * settles) — waiting silently would hide a stuck transfer.
 */
export class WiaDevice extends EventEmitter<WiaDeviceEvents> implements WiaTransferHost {
  private rootItem: WiaDrvItem | undefined;
  private active: TransferRun | undefined;
  private needsReset = false;
  /** The reset in progress, shared by every transfer that must wait for it. */
  private resetting: Promise<void> | undefined;
  /** Set when the device was disconnected or a reset failed: every transfer is refused with it. */
  private offlineError: WiaError | undefined;
  private disconnected = false;
  /** The signal controller of the last transfer, when it can serve the next one (see `TransferRun.reusableController`). */
  private spareController: AbortController | undefined;
  private closed = false;

  private constructor(
    /** The driver behind this device. */
    readonly driver: IWiaMiniDrv,
    private readonly options: WiaDeviceOptions,
  ) {
    super();
  }

  /** Starts a driver session: `drvInitializeWia`, then `drvInitItemProperties` on every item. */
  static async open(driver: IWiaMiniDrv, options: WiaDeviceOptions): Promise<WiaDevice> {
    const device = new WiaDevice(driver, options);
    await device.initialize();
    return device;
  }

  get deviceId(): string {
    return this.options.deviceId;
  }

  /** The root of the item tree. */
  get root(): WiaDrvItem {
    if (!this.rootItem) throw new WiaError(WIA_ERROR_ITEM_DELETED, `device ${this.deviceId} is closed`);
    return this.rootItem;
  }

  /**
   * `true` when the device was disconnected or the reset after an abandoned plugin failed: transfers are
   * refused with `WIA_ERROR_OFFLINE` until it is re-opened.
   */
  get offline(): boolean {
    return this.offlineError !== undefined;
  }

  /** `true` while a transfer runs. */
  get busy(): boolean {
    return this.active !== undefined;
  }

  /** Every item of the tree, parents first. */
  items(): WiaDrvItem[] {
    return [...this.root.walk()];
  }

  /** The item with this full name; throws `WIA_ERROR_ITEM_DELETED` when there is none. */
  item(fullItemName: string): WiaDrvItem {
    const found = this.root.find(fullItemName);
    if (!found) throw new WiaError(WIA_ERROR_ITEM_DELETED, `no item ${fullItemName} on ${this.deviceId}`);
    return found;
  }

  /** WIA's `IWiaTransfer` for an item. */
  createTransfer(item: WiaDrvItem | string): WiaTransfer {
    const fullItemName = typeof item === 'string' ? item : item.fullName;
    this.item(fullItemName);
    return new WiaTransfer(this, fullItemName);
  }

  /**
   * Acquires an item the idiomatic way (see {@link acquire}): a folder's
   * children in one transfer, or one item; `signal` cancels.
   */
  acquire(item: WiaDrvItem | string, options: AcquireOptions = {}): Promise<AcquireResult> {
    const target = typeof item === 'string' ? this.item(item) : item;
    return acquire(this.createTransfer(target), target, options);
  }

  /** Acquires an item's pages as an async iterator of readable streams (see {@link acquirePages}). */
  pages(item: WiaDrvItem | string, options: { signal?: AbortSignal } = {}): AsyncGenerator<AcquiredPage, AcquireResult | undefined> {
    const target = typeof item === 'string' ? this.item(item) : item;
    return acquirePages(this.createTransfer(target), target, options);
  }

  /** Reads properties, refreshed from the device first (`drvReadItemProperties`). */
  async readProperties(item: WiaDrvItem, ids?: readonly number[]): Promise<Map<number, WiaPropertyValue>> {
    const wanted = ids ?? item.properties.list().map((p) => p.id);
    // Unknown ids are the caller's mistake (E_INVALIDARG): the driver is never asked about them.
    for (const id of wanted) item.properties.get(id);
    await this.callDriver('drvReadItemProperties', () => this.driver.drvReadItemProperties(item, wanted));
    return new Map(wanted.map((id) => [id, item.properties.value(id)]));
  }

  /**
   * Writes properties the WIA way: each value is checked against access and
   * valid values, then the driver validates them together
   * (`drvValidateItemProperties`); on any failure nothing changes.
   */
  async writeProperties(item: WiaDrvItem, values: ReadonlyMap<number, WiaPropertyValue>): Promise<void> {
    for (const [id, value] of values) item.properties.validateWrite(id, value);
    // Every property, not only the written ones: validation may update dependent properties before it fails.
    const previous = item.properties.list();
    for (const [id, value] of values) item.properties.setByDriver(id, value);
    try {
      await this.callDriver('drvValidateItemProperties', () => this.driver.drvValidateItemProperties(item, [...values.keys()]));
    } catch (err) {
      for (const property of previous) {
        if (item.properties.has(property.id)) item.properties.setByDriver(property.id, property.value, property.valid);
      }
      throw err;
    }
  }

  /** Deletes an item on the device and removes it from the tree. */
  async deleteItem(item: WiaDrvItem): Promise<void> {
    await this.callDriver('drvDeleteItem', () => this.driver.drvDeleteItem(item));
    if (item.parent && !item.isDeleted) item.parent.removeChild(item);
    this.emit('event', WIA_EVENT_ITEM_DELETED, item.fullName);
  }

  /**
   * The device is gone (unplugged; `DeviceManager` calls this on a USB detach). The driver hears
   * `drvNotifyPnPEvent(WIA_EVENT_DEVICE_DISCONNECTED)` first; then the transfer in flight fails with
   * `WIA_ERROR_OFFLINE` — the signal its reads carry aborts with that error, so even a plugin that does
   * nothing on the event stops reading — unless it had already completed; and every later transfer is
   * refused with the same error until the device is closed and re-opened. The driver is not sent
   * `WIA_EVENT_CANCEL_IO` for it. Resolves when the driver has answered the event, one grace period at
   * most (a driver that throws or hangs there is reported as `nonConforming`). Idempotent, and a no-op
   * once the device is closed.
   */
  async notifyDisconnected(): Promise<void> {
    // A closed device has no session left to tell, and refuses transfers already.
    if (this.disconnected || this.closed) return;
    this.disconnected = true;
    const error = new WiaError(WIA_ERROR_OFFLINE, `device ${this.deviceId} was disconnected`);
    // A device already offline (its reset failed) keeps its first reason, and said so then.
    const wasOffline = this.offlineError !== undefined;
    this.offlineError ??= error;
    const graceMs = this.options.graceMs ?? DEFAULT_WATCHDOG_GRACE_MS;
    const told = guardDriverCall(() => this.driver.drvNotifyPnPEvent(WIA_EVENT_DEVICE_DISCONNECTED, this.deviceId), {
      timers: this.options.timers ?? realTimers,
      graceMs,
      alwaysBounded: true,
    });
    this.active?.deviceLost(error);
    if (!wasOffline) this.emit('offline', error);
    const answer = await told;
    if (answer.kind === 'threw') {
      this.emit('nonConforming', { kind: 'threw', phase: 'drvNotifyPnPEvent', detail: `WIA_EVENT_DEVICE_DISCONNECTED: ${String(answer.error)}` });
    } else if (answer.kind === 'abandoned') {
      this.emit('nonConforming', {
        kind: 'ignored-cancel',
        phase: 'drvNotifyPnPEvent',
        detail: `drvNotifyPnPEvent(WIA_EVENT_DEVICE_DISCONNECTED) did not return within ${graceMs} ms`,
      });
    }
  }

  /** Ends the driver session (`drvUnInitializeWia`). Cancels a running transfer first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.active) {
      this.active.cancel();
      await this.active.run();
    }
    // A reset in progress (bounded) must not start a session after the close.
    if (this.resetting) await this.resetting;
    // Even a synchronous throw: closing never fails on a driver that cannot end its session.
    await Promise.resolve()
      .then(() => this.driver.drvUnInitializeWia())
      .catch(() => undefined);
    this.rootItem = undefined;
  }

  /**
   * Starts a transfer; used by {@link WiaTransfer}. Throws `WIA_ERROR_BUSY`
   * when one already runs. The run is returned at once so that it can be
   * cancelled even while a pending device reset delays its start.
   */
  startTransfer(request: TransferRequest): StartedTransfer {
    if (this.closed) throw new WiaError(WIA_ERROR_ITEM_DELETED, `device ${this.deviceId} is closed`);
    if (this.offlineError) throw this.offlineError;
    if (this.active) throw new WiaError(WIA_ERROR_BUSY, `device ${this.deviceId} is busy with another transfer`);
    const item = this.item(request.fullItemName);
    if (request.direction === 'download' && !item.isTransferable && (request.lFlags & WIA_TRANSFER_ACQUIRE_CHILDREN) === 0) {
      throw new WiaError(E_INVALIDARG, `${item.fullName} has no data of its own; use WIA_TRANSFER_ACQUIRE_CHILDREN for a folder`);
    }
    const run = new TransferRun({
      driver: this.driver,
      item,
      deviceId: this.deviceId,
      direction: request.direction,
      lFlags: request.lFlags,
      callback: request.callback,
      source: request.source,
      graceMs: this.options.graceMs,
      timers: this.options.timers,
      abortController: this.spareController,
    });
    this.spareController = undefined;
    this.active = run;
    run.on('violation', (v) => this.emit('nonConforming', v));
    run.on('cancelIo', () => this.emit('cancelIo', item.fullName));
    if (this.needsReset) this.resetting ??= this.reset();
    return new RunningTransfer(run, this.runToEnd(run, item));
  }

  async formatInfo(fullItemName: string): Promise<WiaFormatInfo[]> {
    const item = this.item(fullItemName);
    return this.callDriver('drvGetWiaFormatInfo', () => this.driver.drvGetWiaFormatInfo(item));
  }

  private async initialize(): Promise<void> {
    const services: WiaDriverServices = {
      deviceId: this.options.deviceId,
      queueEvent: (event, fullItemName) => this.onDriverEvent(event, fullItemName),
    };
    const root = await this.callDriver('drvInitializeWia', () => this.driver.drvInitializeWia(services));
    for (const item of root.walk()) await this.callDriver('drvInitItemProperties', () => this.driver.drvInitItemProperties(item));
    this.rootItem = root;
  }

  /**
   * After a plugin was abandoned by the watchdog: reset the hardware first —
   * while the transport is still open, and so that the abandoned session's
   * transfers fail and let go — then end the driver's session and start
   * afresh. A hardware reset that fails is not fatal: the new session is
   * the real test of whether the device works.
   */
  private async reset(): Promise<void> {
    this.needsReset = false;
    const { resetHardware } = this.options;
    const result = await resetAbandonedDevice(
      { ...(resetHardware ? { resetHardware } : {}), unInitialize: () => this.driver.drvUnInitializeWia(), initialize: () => this.initialize() },
      { timers: this.options.timers ?? realTimers, stepMs: this.options.resetStepMs ?? DEFAULT_RESET_STEP_MS },
    );
    this.resetting = undefined;
    if (result.ok) {
      this.emit('reset');
      return;
    }
    // Disconnected during the reset: already offline, for that reason.
    if (this.offlineError) return;
    this.offlineError = result.error;
    this.emit('offline', result.error);
  }

  /** Runs a transfer (see {@link runWhenReady}), then frees the device for the next one and announces the report. */
  private async runToEnd(run: TransferRun, item: WiaDrvItem): Promise<TransferReport> {
    let settled: TransferReport;
    try {
      settled = await this.runWhenReady(run);
    } finally {
      if (this.active === run) this.active = undefined;
    }
    this.spareController = run.reusableController();
    if (settled.deviceNeedsReset) this.needsReset = true;
    this.emit('transferSettled', settled, item.fullName);
    return settled;
  }

  /**
   * Runs a transfer once the device is ready. A cancel while a reset is
   * pending settles the transfer at once (the reset goes on, bounded); a
   * failed reset refuses it with `WIA_ERROR_OFFLINE`.
   */
  private runWhenReady(run: TransferRun): Promise<TransferReport> {
    // Without a reset pending the device cannot have gone offline since startTransfer checked it.
    return this.resetting ? this.runAfterReset(run, this.resetting) : run.run();
  }

  private async runAfterReset(run: TransferRun, resetting: Promise<void>): Promise<TransferReport> {
    await new Promise<void>((resolve) => {
      const unsubscribe = run.latch.onLatch(resolve);
      void resetting.then(() => {
        unsubscribe();
        resolve();
      });
    });
    if (this.offlineError && !run.latch.latched) return run.refuse(this.offlineError);
    return run.run();
  }

  private onDriverEvent(event: WiaEventGuid, fullItemName: string | undefined): void {
    if (event === WIA_EVENT_ITEM_CREATED && fullItemName && this.rootItem) {
      const item = this.rootItem.find(fullItemName);
      if (item && item.properties.list().length === 0) {
        this.driver.drvInitItemProperties(item).then(
          () => this.emit('event', event, fullItemName),
          () => this.emit('event', event, fullItemName),
        );
        return;
      }
    }
    this.emit('event', event, fullItemName);
  }

  private async callDriver<T>(method: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw WiaError.from(err, WIA_ERROR_EXCEPTION_IN_DRIVER, `${method} threw`);
    }
  }
}
