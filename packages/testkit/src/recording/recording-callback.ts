import {
  S_FALSE,
  S_OK,
  WIA_STATUS_SKIP_ITEM,
  WIA_TRANSFER_MSG_END_OF_TRANSFER,
  type HResult,
  type IWiaTransferCallback,
  type WiaAppNextStream,
  type WiaTransferParams,
} from '@openwia/core';
import { RecordingSink } from './recording-sink.js';

/** What the app does when asked for an item's stream. */
export type AppStreamAnswer = 'stream' | 'skip' | 'cancel' | 'throw' | 'hang' | 'no-stream';
/** What the app does when it receives a message. */
export type AppMessageAnswer = 'ok' | 'cancel' | 'throw' | 'hang' | 'cancel-inside';

/** One callback the app received. */
export type RecordedCallback =
  | { seq: number; kind: 'message'; params: WiaTransferParams }
  | { seq: number; kind: 'next-stream'; itemName: string; fullItemName: string };

/** Scripted app behaviour; every field optional (default: accept everything). */
export interface RecordingCallbackScript {
  /** Answer for the nth `GetNextStream` (0-based) or by item name. */
  stream?: (itemName: string, index: number) => AppStreamAnswer;
  /** Answer for the nth `TransferCallback` (0-based). */
  message?: (params: WiaTransferParams, index: number) => AppMessageAnswer;
  /** Called for `cancel-inside`: the app calls `Cancel()` from inside its callback. */
  cancel?: () => void;
  /** Each write of the sinks waits on this (a slow disk). */
  sinkGate?: () => Promise<void>;
  /** The nth item's sink fails after this many bytes. */
  failSink?: { index: number; afterBytes: number };
  /** The nth item's sink is destroyed by the app, without an error, once it accepted more than this many bytes. */
  closeSink?: { index: number; afterBytes: number };
  /** Called as each chunk reaches one of the app's streams (e.g. to act at the first byte). */
  onChunk?: (fullItemName: string, bytes: Buffer) => void;
  /** The shared sequence counter (default: a private one). */
  nextSeq?: () => number;
}

/**
 * An app's `IWiaTransferCallback` that records every callback and every byte
 * with a sequence number, and answers as scripted: skip, cancel by `S_FALSE`,
 * cancel from inside, throw, or never return. The contract tests compare the
 * record with the moment the app cancelled ({@link cancelSeq}).
 */
export class RecordingTransferCallback implements IWiaTransferCallback {
  readonly calls: RecordedCallback[] = [];
  readonly sinks = new Map<string, RecordingSink>();
  /** Sequence number of the app's first cancel (S_FALSE, Cancel() inside, or external via {@link markCancel}). */
  cancelSeq: number | undefined;
  /** Sequence numbers of the `GetNextStream` calls the app answered with skip. */
  readonly skippedSeqs: number[] = [];
  /** Sequence number at which the app side failed (threw, stream error). */
  failSeq: number | undefined;
  private streamIndex = 0;
  private messageIndex = 0;
  private counter = 0;
  readonly nextSeq: () => number;

  constructor(private readonly script: RecordingCallbackScript = {}) {
    this.nextSeq = script.nextSeq ?? (() => ++this.counter);
  }

  /** Records an external `Cancel()` the test is about to make. */
  markCancel(): void {
    this.cancelSeq ??= this.nextSeq();
  }

  /** The messages received, in order. */
  get messages(): WiaTransferParams[] {
    return this.calls.flatMap((c) => (c.kind === 'message' ? [c.params] : []));
  }

  TransferCallback(_lFlags: number, params: WiaTransferParams): HResult | Promise<HResult> {
    const seq = this.nextSeq();
    this.calls.push({ seq, kind: 'message', params: { ...params } });
    if (params.lMessage === WIA_TRANSFER_MSG_END_OF_TRANSFER) return S_OK;
    const answer = this.script.message?.(params, this.messageIndex++) ?? 'ok';
    return this.answerMessage(answer, seq);
  }

  GetNextStream(_lFlags: number, itemName: string, fullItemName: string): WiaAppNextStream | Promise<WiaAppNextStream> {
    const seq = this.nextSeq();
    this.calls.push({ seq, kind: 'next-stream', itemName, fullItemName });
    const index = this.streamIndex++;
    const answer = this.script.stream?.(itemName, index) ?? 'stream';
    switch (answer) {
      case 'stream': {
        const failAfterBytes = this.script.failSink?.index === index ? this.script.failSink.afterBytes : undefined;
        const closeAfterBytes = this.script.closeSink?.index === index ? this.script.closeSink.afterBytes : undefined;
        const sink = new RecordingSink(this.nextSeq, {
          ...(this.script.sinkGate ? { gate: this.script.sinkGate } : {}),
          ...(failAfterBytes !== undefined ? { failAfterBytes } : {}),
          ...(closeAfterBytes !== undefined ? { closeAfterBytes } : {}),
          ...(this.script.onChunk ? { onChunk: (bytes: Buffer) => this.script.onChunk?.(fullItemName, bytes) } : {}),
        });
        sink.on('error', () => {
          this.failSeq ??= this.nextSeq();
        });
        this.sinks.set(fullItemName, sink);
        return { hr: S_OK, stream: sink };
      }
      case 'skip':
        this.skippedSeqs.push(seq);
        return { hr: WIA_STATUS_SKIP_ITEM };
      case 'cancel':
        this.cancelSeq ??= seq;
        return { hr: S_FALSE };
      case 'no-stream':
        this.failSeq ??= seq;
        return { hr: S_OK };
      case 'throw':
        this.failSeq ??= seq;
        throw new Error(`app GetNextStream threw for ${itemName}`);
      case 'hang':
        return new Promise<WiaAppNextStream>(() => undefined);
    }
  }

  private answerMessage(answer: AppMessageAnswer, seq: number): HResult | Promise<HResult> {
    switch (answer) {
      case 'ok':
        return S_OK;
      case 'cancel':
        this.cancelSeq ??= seq;
        return S_FALSE;
      case 'cancel-inside':
        this.cancelSeq ??= seq;
        this.script.cancel?.();
        return S_OK;
      case 'throw':
        this.failSeq ??= seq;
        throw new Error('app TransferCallback threw');
      case 'hang':
        return new Promise<HResult>(() => undefined);
    }
  }
}
