import { expect } from 'chai';
import { Writable } from 'node:stream';
import {
  S_FALSE,
  S_OK,
  WIA_STATUS_SKIP_ITEM,
  WIA_TRANSFER_MSG_END_OF_TRANSFER,
  WiaDevice,
  type HResult,
  type IWiaTransferCallback,
  type TransferReport,
  type WiaAppNextStream,
  type WiaTransfer,
  type WiaTransferParams,
} from '@openwia/core';
import { createVirtualCamera, deviceTimeScale, type VirtualCamera, type VirtualCameraOptions } from '@openwia/testkit';
import { PtpCameraDriver, type PtpDriverOptions } from '../ptp-camera-driver.js';

/** An app-side stream that keeps what it receives. */
export class MemorySink extends Writable {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  /** The length of each chunk the stream was given, in order. */
  readonly chunkLengths: number[] = [];

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get length(): number {
    return this.received;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    this.chunkLengths.push(chunk.length);
    this.received += chunk.length;
    done();
  }
}

/** A virtual camera, the PTP driver on its transport, and the core's device opened on top. */
export interface CameraRig {
  camera: VirtualCamera;
  driver: PtpCameraDriver;
  device: WiaDevice;
  /** WIA events the device emitted, in order. */
  events: Array<{ event: string; item: string | undefined }>;
  close(): Promise<void>;
}

/**
 * Short bounds for tests: the simulated bus answers at once, so a short quiet
 * period ends a drain, and a camera silent for 250 ms is never going to answer.
 * Over the real USB stack (`npm run test:usb`) they stretch by `deviceTimeScale()`.
 */
export const TEST_DRIVER_OPTIONS: PtpDriverOptions = {
  recovery: { drainQuietMs: 10 * deviceTimeScale(), pollIntervalMs: 1 },
  ioTimeoutMs: 250 * deviceTimeScale(),
  busyRetryMs: 200 * deviceTimeScale(),
};

/** Opens a virtual camera through the whole stack: SimulatedUsbDevice → PtpCameraDriver → WiaDevice. */
export async function openCameraRig(options: VirtualCameraOptions = {}, driverOptions: PtpDriverOptions = TEST_DRIVER_OPTIONS): Promise<CameraRig> {
  const camera = createVirtualCamera(options);
  const driver = new PtpCameraDriver(camera.device.createTransport(), driverOptions);
  const device = await WiaDevice.open(driver, { deviceId: 'sim:ptp-camera' });
  const events: CameraRig['events'] = [];
  device.on('event', (event, item) => events.push({ event, item }));
  return { camera, driver, device, events, close: () => device.close() };
}

/** What an app decides at each step of a download. */
export interface AppScript {
  /** Answer of GetNextStream for an item (default S_OK with a fresh sink). */
  stream?(itemName: string, transfer: WiaTransfer): HResult | undefined;
  /** Called on every message; may cancel; its answer is returned to the core (default S_OK). */
  message?(params: WiaTransferParams, transfer: WiaTransfer, app: RecordingApp): HResult | undefined;
}

/**
 * An app that records everything a transfer does to it — streams, bytes,
 * messages — and checks the cancellation contract as it goes: once it has
 * asked to cancel, no byte and no callback but END_OF_TRANSFER may reach it.
 */
export class RecordingApp implements IWiaTransferCallback {
  readonly files = new Map<string, MemorySink>();
  readonly messages: WiaTransferParams[] = [];
  readonly streamRequests: string[] = [];
  /** Bytes and messages at the moment the app cancelled. */
  cancelledAt: { bytes: number; messages: number } | undefined;

  constructor(
    private readonly transfer: WiaTransfer,
    private readonly script: AppScript = {},
  ) {}

  /** Cancels the way an app calls `IWiaTransfer::Cancel`, remembering what it had then. */
  cancel(): void {
    this.cancelledAt ??= { bytes: this.totalBytes(), messages: this.messages.length };
    this.transfer.Cancel();
  }

  totalBytes(): number {
    let total = 0;
    for (const sink of this.files.values()) total += sink.length;
    return total;
  }

  TransferCallback(_flags: number, params: WiaTransferParams): HResult {
    this.messages.push(params);
    const answer = this.script.message?.(params, this.transfer, this) ?? S_OK;
    if (answer === S_FALSE) this.cancelledAt ??= { bytes: this.totalBytes(), messages: this.messages.length };
    return answer;
  }

  GetNextStream(_flags: number, itemName: string): WiaAppNextStream {
    this.streamRequests.push(itemName);
    const hr = this.script.stream?.(itemName, this.transfer) ?? S_OK;
    if (hr === S_FALSE) this.cancelledAt ??= { bytes: this.totalBytes(), messages: this.messages.length };
    if (hr !== S_OK) return { hr };
    const sink = new MemorySink();
    this.files.set(itemName, sink);
    return { hr, stream: sink };
  }

  /** The contract after a cancel: nothing more arrived but the one END_OF_TRANSFER message. */
  expectNothingAfterCancel(): void {
    expect(this.cancelledAt, 'the app never cancelled').to.not.equal(undefined);
    expect(this.totalBytes(), 'bytes reached the app after the cancel').to.equal(this.cancelledAt!.bytes);
    const after = this.messages.slice(this.cancelledAt!.messages);
    expect(after.map((m) => m.lMessage), 'callbacks after the cancel').to.deep.equal([WIA_TRANSFER_MSG_END_OF_TRANSFER]);
  }
}

/** Starts one download of `itemName`: the app at once (to cancel from outside), the core's report when it settles. */
export function startDownload(rig: CameraRig, itemName: string, flags: number, script: AppScript = {}): { app: RecordingApp; report: Promise<TransferReport> } {
  const transfer = rig.device.createTransfer(itemName);
  const app = new RecordingApp(transfer, script);
  return { app, report: transfer.transfer('download', flags, app) };
}

/** Runs one download of `itemName` and returns the app and the core's report. */
export async function download(rig: CameraRig, itemName: string, flags: number, script: AppScript = {}): Promise<{ app: RecordingApp; report: TransferReport }> {
  const started = startDownload(rig, itemName, flags, script);
  return { app: started.app, report: await started.report };
}

/** The bytes the camera holds for a file name. */
export function cameraBytes(rig: CameraRig, filename: string): Buffer {
  const { control } = rig.camera;
  return Buffer.from(control.objectBytes(control.object(filename).handle));
}

/** Skips these items (answers WIA_STATUS_SKIP_ITEM). */
export function skipping(...names: string[]): AppScript['stream'] {
  return (name) => (names.includes(name) ? WIA_STATUS_SKIP_ITEM : undefined);
}
