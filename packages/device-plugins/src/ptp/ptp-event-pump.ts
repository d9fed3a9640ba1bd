import createDebug from 'debug';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { UsbStallError, WIA_EVENT_ITEM_CREATED, WIA_EVENT_ITEM_DELETED, isCancelledError, type UsbTransport, type WiaDrvItem, type WiaEventGuid } from '@openwia/core';
import { PtpEvent, ptpCodeName } from './ptp-codes.js';
import type { PtpOperationContainer } from './ptp-container.js';
import { PtpProtocolError } from './ptp-errors.js';
import type { PtpEventReader } from './ptp-event-reader.js';
import type { PtpItemTree } from './ptp-item-tree.js';

const debug = createDebug('openwia:ptp:events');

/** Malformed events in a row after which the pump stops listening (the device is babbling). */
const MAX_CONSECUTIVE_BAD_EVENTS = 16;

/** What the pump needs from the driver. */
export interface PtpEventPumpHost {
  readonly tree: PtpItemTree;
  /** Raises a WIA event towards apps. */
  queueEvent(event: WiaEventGuid, fullItemName: string): void;
  /** Handles this plugin removed itself (drvDeleteItem): their ObjectRemoved is already accounted for. */
  readonly deletedByUs: Set<number>;
}

/**
 * Listens on the interrupt endpoint and turns PTP events into tree changes
 * and WIA events: ObjectAdded / StoreAdded → `WIA_EVENT_ITEM_CREATED`,
 * ObjectRemoved / StoreRemoved → `WIA_EVENT_ITEM_DELETED`. Events are
 * handled one after another; {@link stop} waits for the last one.
 */
export class PtpEventPump {
  private loop: Promise<void> | undefined;
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly usb: UsbTransport,
    private readonly reader: PtpEventReader,
    private readonly endpointAddress: number,
    private readonly host: PtpEventPumpHost,
  ) {}

  /** Starts listening until `signal` aborts (the driver session ends or the device goes away). */
  start(signal: AbortSignal): void {
    this.loop ??= this.listen(signal);
  }

  /** Resolves once the listener and every queued event handler have finished. */
  async stop(): Promise<void> {
    await this.loop;
    await this.work;
  }

  private async listen(signal: AbortSignal): Promise<void> {
    for (let bad = 0; !signal.aborted && bad < MAX_CONSECUTIVE_BAD_EVENTS; ) {
      try {
        const event = await this.reader.next(signal);
        bad = 0;
        this.work = this.work.then(() => this.handle(event, signal)).catch((err: unknown) => debug('event %s failed: %s', ptpCodeName(event.code), String(err)));
        // A camera in burst mode may always have an event ready: let timers and I/O run between two of them.
        await nextTurn();
      } catch (err) {
        if (signal.aborted || isCancelledError(err)) return;
        if (err instanceof PtpProtocolError) {
          bad++;
          debug('malformed event: %s', err.message);
        } else if (err instanceof UsbStallError) {
          bad++;
          await this.usb.clearHalt(this.endpointAddress).catch(() => undefined);
        } else {
          debug('event listener stops: %s', String(err));
          return;
        }
      }
    }
  }

  private async handle(event: PtpOperationContainer, signal: AbortSignal): Promise<void> {
    const [param = 0] = event.params;
    const { tree } = this.host;
    switch (event.code) {
      case PtpEvent.ObjectAdded: {
        this.created(await tree.addObject(param, signal));
        return;
      }
      case PtpEvent.ObjectRemoved:
        if (this.host.deletedByUs.delete(param)) return;
        this.deleted(tree.removeObject(param));
        return;
      case PtpEvent.StoreAdded:
        this.created(await tree.addStorage(param, signal));
        return;
      case PtpEvent.StoreRemoved:
        this.deleted(tree.removeStorage(param));
        return;
      default:
        debug('ignoring event %s', ptpCodeName(event.code));
    }
  }

  private created(items: readonly WiaDrvItem[]): void {
    for (const item of items) this.host.queueEvent(WIA_EVENT_ITEM_CREATED, item.fullName);
  }

  private deleted(item: WiaDrvItem | undefined): void {
    if (item) this.host.queueEvent(WIA_EVENT_ITEM_DELETED, item.fullName);
  }
}
