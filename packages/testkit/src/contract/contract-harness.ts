import { Readable } from 'node:stream';
import {
  TransferRun,
  WIA_ERROR_OFFLINE,
  WIA_EVENT_DEVICE_DISCONNECTED,
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WiaError,
  type LatchReason,
  type TransferReport,
  type TransferTimers,
  type WiaDrvItem,
} from '@openwia/core';
import { RecordingTransferCallback, type RecordingCallbackScript } from '../recording/index.js';
import { ScriptedMiniDriver, type ScriptedDriverOptions } from '../scripted-driver/index.js';
import { ManualTimers } from '../timing/index.js';
import { checkContract } from './contract-checks.js';

/** One scenario: a scripted driver, a scripted app, and how the transfer is started. */
export interface ContractScenario {
  driver: Omit<ScriptedDriverOptions, 'nextSeq'>;
  app?: Omit<RecordingCallbackScript, 'nextSeq' | 'cancel'>;
  /** `folder` (default): the folder with ACQUIRE_CHILDREN; a number: that single item; `upload`: upload to item 0. */
  target?: 'folder' | number | 'upload';
  /** Upload payload. */
  uploadChunks?: Buffer[];
  graceMs?: number;
  /** Defaults to a {@link ManualTimers} (watchdog fires only on `advance`). */
  timers?: TransferTimers;
}

/**
 * Runs one {@link TransferRun} between a {@link ScriptedMiniDriver} and a
 * {@link RecordingTransferCallback} that share one sequence counter, and
 * records when the engine latched — everything {@link checkContract} needs.
 */
export class ContractHarness {
  private counter = 0;
  readonly nextSeq = (): number => ++this.counter;
  readonly driver: ScriptedMiniDriver;
  readonly app: RecordingTransferCallback;
  readonly timers: TransferTimers;
  latchSeq: number | undefined;
  latchReason: LatchReason | undefined;
  private run: TransferRun | undefined;
  private root: WiaDrvItem | undefined;

  constructor(private readonly scenario: ContractScenario) {
    this.driver = new ScriptedMiniDriver({ ...scenario.driver, nextSeq: this.nextSeq });
    this.app = new RecordingTransferCallback({ ...scenario.app, nextSeq: this.nextSeq, cancel: () => this.run?.cancel() });
    this.timers = scenario.timers ?? new ManualTimers();
  }

  /** Initializes the driver's tree and creates the run (not started yet). */
  async prepare(): Promise<TransferRun> {
    this.root = await this.driver.drvInitializeWia();
    for (const item of this.root.walk()) await this.driver.drvInitItemProperties(item);
    const folder = this.root.children[0]!;
    const target = this.scenario.target ?? 'folder';
    const item = target === 'folder' ? folder : folder.children[target === 'upload' ? 0 : target]!;
    const run = new TransferRun({
      driver: this.driver,
      item,
      deviceId: 'scripted',
      direction: target === 'upload' ? 'upload' : 'download',
      lFlags: target === 'folder' ? WIA_TRANSFER_ACQUIRE_CHILDREN : 0,
      callback: this.app,
      ...(target === 'upload' ? { source: Readable.from(this.scenario.uploadChunks ?? []) } : {}),
      graceMs: this.scenario.graceMs ?? 1000,
      timers: this.timers,
    });
    run.latch.onLatch(() => {
      this.latchSeq = this.nextSeq();
      this.latchReason = run.latch.reason;
    });
    this.run = run;
    return run;
  }

  /** An external `Cancel()` by the app, recorded. */
  cancel(): void {
    this.app.markCancel();
    this.run?.cancel();
  }

  /**
   * The device unplugged mid-transfer, as `WiaDevice.notifyDisconnected` reports it: the driver hears
   * `WIA_EVENT_DEVICE_DISCONNECTED`, then the run fails with `WIA_ERROR_OFFLINE`.
   */
  unplug(): void {
    void this.driver.drvNotifyPnPEvent(WIA_EVENT_DEVICE_DISCONNECTED);
    this.run?.deviceLost(new WiaError(WIA_ERROR_OFFLINE, 'the device was unplugged'));
  }

  /** The contract rules this finished transfer broke (empty when all hold). */
  check(report: TransferReport): string[] {
    return checkContract({
      report,
      app: this.app,
      latchSeq: this.latchSeq,
      latchReason: this.latchReason,
      driverLog: this.driver.log,
      contentOf: (fullItemName) => {
        const item = this.root?.find(fullItemName);
        return item ? this.driver.contentOf(item.context as number) : undefined;
      },
    });
  }
}
