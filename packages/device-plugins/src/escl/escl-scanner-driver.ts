import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import {
  AbortableMiniDriver,
  E_INVALIDARG,
  S_OK,
  USB_TRANSPORT,
  WIA_CATEGORY_FEEDER,
  WIA_CATEGORY_FINISHED_FILE,
  WIA_CATEGORY_FLATBED,
  WIA_ERROR_DEVICE_COMMUNICATION,
  WIA_ERROR_PAPER_EMPTY,
  WIA_EVENT_ITEM_CREATED,
  WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN,
  WIA_STATUS_END_OF_MEDIA,
  WIA_TRANSFER_MSG_NEW_PAGE,
  WiaDrvItem,
  WiaError,
  WiaItemType,
  throwIfAborted,
  type HResult,
  type IWiaMiniDrvTransferCallback,
  type ItemReader,
  type MiniDrvTransferContext,
  type TransferSource,
  type UsbTransport,
} from '@openwia/core';
import { adfStateError } from './escl-errors.js';
import { DEFAULT_RETRY, EsclClient, type EsclRetryPolicy } from './escl-client.js';
import { defineImageInfo, defineSourceProperties, requestedPages, scanSettingsOf, validateSourceProperties, type EsclSourceContext } from './escl-properties.js';
import { EsclScanJob } from './escl-scan-job.js';
import { findIppUsbInterfaces } from './ipp-usb/ipp-usb-interfaces.js';
import { IppUsbClient, type IppUsbClientOptions } from './ipp-usb/ipp-usb-client.js';
import type { EsclHttpClient } from './network/escl-http-client.js';
import type { EsclCapabilities } from './xml/capabilities.js';

const SCAN_SOURCE_FLAGS = WiaItemType.Image | WiaItemType.Transfer | WiaItemType.ProgrammableDataSource;
const PAGE_FLAGS = WiaItemType.Image | WiaItemType.File | WiaItemType.Generated;

/**
 * The eSCL scanner plugin: scanners and multifunction printers that speak
 * eSCL (HTTP + XML) over IPP-USB (interface class 7/1/4).
 *
 * Item tree: `Root` → `Flatbed` (platen) and `Feeder` (document feeder, its
 * pages appear as `Page1`, `Page2`… children during a transfer). A feeder
 * transfer is one eSCL job; each `NextDocument` is one page item. A cancel
 * aborts the USB read in flight, deletes the job and leaves the scanner idle.
 */
@injectable()
export class EsclScannerDriver extends AbortableMiniDriver {
  /** The scanner's capabilities, once the session started. */
  capabilities: EsclCapabilities | undefined;
  /** IPP-USB timing (idle timeout, drain deadline); read when the session opens. */
  ioOptions: IppUsbClientOptions = {};
  /** How `503` answers are retried; read when the session opens. */
  retryPolicy: EsclRetryPolicy = DEFAULT_RETRY;
  private http: EsclHttpClient | undefined;
  private escl: EsclClient | undefined;
  private claimed: number[] = [];
  private activeJob: EsclScanJob | undefined;
  /** The last job a cancel or failure stopped: the next job starts once the scanner is idle after it. */
  private stoppedJob: EsclScanJob | undefined;
  private transferCallback: IWiaMiniDrvTransferCallback | undefined;

  /** `usb` is absent only for a network scanner, whose subclass overrides {@link openHttp} and {@link closeTransport}. */
  constructor(@inject(USB_TRANSPORT) private readonly usb: UsbTransport | undefined) {
    super();
  }

  /** IPP-USB interfaces taken out of service because a connection broke mid-response (empty when healthy). */
  get retiredInterfaces(): readonly number[] {
    return this.http instanceof IppUsbClient ? this.http.agent.retiredInterfaces : [];
  }

  /** Opens the HTTP path to the scanner: IPP-USB interfaces here; the network plugin opens TCP. */
  protected async openHttp(signal?: AbortSignal): Promise<EsclHttpClient> {
    if (!this.usb) throw new WiaError(E_INVALIDARG, 'the eSCL plugin needs a USB transport or a network subclass');
    const layout = findIppUsbInterfaces(this.usb.descriptor);
    if (!this.usb.opened) await this.usb.open();
    await this.usb.selectConfiguration(layout.configurationValue);
    for (const pipes of layout.pipes) {
      await this.usb.claimInterface(pipes.interfaceNumber);
      this.claimed.push(pipes.interfaceNumber);
    }
    return IppUsbClient.open(this.usb, layout.pipes, this.ioOptions, signal);
  }

  /** Lets go of the USB device at the end of the session. */
  protected async closeTransport(): Promise<void> {
    if (!this.usb) return;
    for (const n of this.claimed.splice(0)) await this.usb.releaseInterface(n).catch(() => undefined);
    await this.usb.close().catch(() => undefined);
  }

  protected async buildItemTree(root: WiaDrvItem, signal: AbortSignal): Promise<void> {
    this.http = await this.openHttp(signal);
    this.escl = new EsclClient(this.http, this.retryPolicy);
    const caps = await this.escl.capabilities(signal);
    this.capabilities = caps;
    if (caps.platen) {
      const context: EsclSourceContext = { source: 'Platen', caps: caps.platen };
      root.addChild({ name: 'Flatbed', flags: SCAN_SOURCE_FLAGS, category: WIA_CATEGORY_FLATBED, context });
    }
    if (caps.adfSimplex) {
      const context: EsclSourceContext = { source: 'Feeder', caps: caps.adfSimplex, ...(caps.adfDuplex ? { duplexCaps: caps.adfDuplex } : {}) };
      root.addChild({ name: 'Feeder', flags: SCAN_SOURCE_FLAGS | WiaItemType.Folder, category: WIA_CATEGORY_FEEDER, context });
    }
  }

  override async drvUnInitializeWia(): Promise<void> {
    await super.drvUnInitializeWia();
    this.stoppedJob = undefined;
    this.http?.close();
    this.http = undefined;
    await this.closeTransport();
  }

  protected override async initItemProperties(item: WiaDrvItem): Promise<void> {
    const context = sourceContext(item);
    if (context) defineSourceProperties(item.properties, context);
  }

  override async drvValidateItemProperties(item: WiaDrvItem, propertyIds: readonly number[]): Promise<void> {
    const context = sourceContext(item);
    if (context) validateSourceProperties(item.properties, context, propertyIds);
  }

  protected async openItem(item: WiaDrvItem): Promise<ItemReader> {
    throw new WiaError(E_INVALIDARG, `${item.fullName} was scanned in an earlier transfer; scan again from its source`);
  }

  override async drvAcquireItemData(item: WiaDrvItem, lFlags: number, context: MiniDrvTransferContext): Promise<HResult> {
    this.transferCallback = context.callback;
    try {
      return await super.drvAcquireItemData(item, lFlags, context);
    } finally {
      this.transferCallback = undefined;
    }
  }

  /** A cancel reached the transfer: stop and delete the job so the scanner does not stay busy. */
  protected override async cancelDevice(): Promise<void> {
    await this.activeJob?.cancel();
  }

  protected override async *transferSources(item: WiaDrvItem, lFlags: number, signal: AbortSignal): AsyncGenerator<TransferSource, HResult | void> {
    const context = sourceContext(item);
    if (!context) return yield* super.transferSources(item, lFlags & ~WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN, signal);
    const { http, escl } = this.session();
    // A job stopped by the last transfer may leave the scanner busy for a moment: this job starts once it is idle.
    await this.stoppedJob?.untilIdle(signal);
    throwIfAborted(signal);
    this.stoppedJob = undefined;
    await http.recover();
    const job = new EsclScanJob(escl, http, scanSettingsOf(item.properties, context));
    this.activeJob = job;
    try {
      await job.start(signal);
      if (context.source === 'Platen') return yield* this.flatbedPage(item, job, signal);
      return yield* this.feederPages(item, job, signal);
    } finally {
      await job.cancel();
      // Settled for the app as soon as the scanner was told to stop; the next job waits for it to be idle.
      this.stoppedJob = job;
      if (this.activeJob === job) this.activeJob = undefined;
    }
  }

  private async *flatbedPage(item: WiaDrvItem, job: EsclScanJob, signal: AbortSignal): AsyncGenerator<TransferSource, HResult> {
    const document = await job.nextDocument(signal);
    if (!document) throw await this.explainEnd(job, 0, signal);
    yield { item, open: async () => job.pageReader(document) };
    await this.recordImageInfo(item, job, signal);
    // A platen job holds one page; asking once more lets the scanner close it (404) rather than be deleted.
    const extra = await job.nextDocument(signal);
    extra?.interrupt();
    return S_OK;
  }

  private async *feederPages(feeder: WiaDrvItem, job: EsclScanJob, signal: AbortSignal): AsyncGenerator<TransferSource, HResult> {
    this.clearPages(feeder);
    const wanted = requestedPages(feeder.properties);
    for (let pageNumber = 1; wanted === 0 || pageNumber <= wanted; pageNumber++) {
      const document = await job.nextDocument(signal);
      if (!document) return this.feederOutcome(await this.explainEnd(job, pageNumber - 1, signal), pageNumber - 1, wanted);
      const page = await this.addPage(feeder, pageNumber);
      yield {
        item: page,
        drainOnSkip: true,
        open: async () => {
          await this.transferCallback?.SendMessage(0, { lMessage: WIA_TRANSFER_MSG_NEW_PAGE, lPercentComplete: 0, ulTransferredBytes: 0, hrErrorStatus: S_OK });
          return job.pageReader(document);
        },
      };
      await this.recordImageInfo(page, job, signal);
    }
    // Every page asked for came: a scanner that honoured ImagesToTransfer has completed the job by itself.
    await job.settleAfterLastPage(signal);
    return S_OK;
  }

  /** Puts the scanner's `ScanImageInfo` for the page just delivered on its item, when the scanner offers one. */
  private async recordImageInfo(item: WiaDrvItem, job: EsclScanJob, signal: AbortSignal): Promise<void> {
    const info = await job.imageInfo(signal);
    if (info) defineImageInfo(item.properties, info);
  }

  /** After `404`: a normal end of the feed, or a fault (jam, cover open) that stopped the job. */
  private async explainEnd(job: EsclScanJob, scanned: number, signal: AbortSignal): Promise<WiaError | undefined> {
    const { job: info, adfState } = await job.info(signal);
    const fault = adfStateError(adfState);
    if (fault !== undefined && fault !== WIA_ERROR_PAPER_EMPTY) return new WiaError(fault, `the scanner stopped after ${scanned} page(s): ${adfState}`);
    if (info?.state === 'Aborted' && fault === undefined) return new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, `the scanner aborted the job after ${scanned} page(s) (${info.reasons.join(', ') || 'no reason given'})`);
    if (scanned === 0) return new WiaError(WIA_ERROR_PAPER_EMPTY, 'the feeder is empty');
    return undefined;
  }

  private feederOutcome(fault: WiaError | undefined, scanned: number, wanted: number): HResult {
    if (fault) throw fault;
    return wanted !== 0 && scanned < wanted ? WIA_STATUS_END_OF_MEDIA : S_OK;
  }

  private clearPages(feeder: WiaDrvItem): void {
    for (const page of [...feeder.children]) feeder.removeChild(page);
  }

  private async addPage(feeder: WiaDrvItem, pageNumber: number): Promise<WiaDrvItem> {
    const page = feeder.addChild({ name: `Page${pageNumber}`, flags: PAGE_FLAGS, category: WIA_CATEGORY_FINISHED_FILE });
    await this.drvInitItemProperties(page);
    this.services?.queueEvent(WIA_EVENT_ITEM_CREATED, page.fullName);
    return page;
  }

  private session(): { http: EsclHttpClient; escl: EsclClient } {
    if (!this.http || !this.escl) throw new WiaError(WIA_ERROR_DEVICE_COMMUNICATION, 'the scanner session is not open');
    return { http: this.http, escl: this.escl };
  }
}

function sourceContext(item: WiaDrvItem): EsclSourceContext | undefined {
  const context = item.context as EsclSourceContext | undefined;
  return context && (context.source === 'Platen' || context.source === 'Feeder') ? context : undefined;
}
