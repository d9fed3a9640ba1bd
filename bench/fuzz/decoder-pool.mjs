// One worker thread running a plugin's decoders (decoder-worker.mjs) with a
// deadline per case: a case whose decoders have not all returned by then is a
// synchronous hang; the worker is terminated and a fresh one takes over.
import { Worker } from 'node:worker_threads';

const WORKER_URL = new URL('./decoder-worker.mjs', import.meta.url);

export class DecoderWorker {
  #worker;
  #plant;
  #suite;

  /** @param {'ptp' | 'escl'} suite which decoders the worker runs; `plant` a planted fault (planted.mjs) */
  constructor(plant, suite = 'ptp') {
    this.#plant = plant;
    this.#suite = suite;
  }

  /** Decodes `bytes` with every decoder; `{ hang: true }` when they have not returned within `deadlineMs`. */
  async decode(bytes, deadlineMs) {
    this.#worker ??= await this.#start();
    const worker = this.#worker;
    let timer;
    try {
      return await this.#answer(worker, (resolve) => {
        timer = setTimeout(() => resolve({ hang: true }), deadlineMs);
        worker.postMessage(bytes);
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** The worker's next message (or error); `start` may settle it first. Only our own listeners are removed (Node keeps its own on a Worker). */
  async #answer(worker, start) {
    let onMessage;
    let onError;
    try {
      return await new Promise((resolve, reject) => {
        onMessage = resolve;
        onError = reject;
        worker.on('message', onMessage);
        worker.on('error', onError);
        start(resolve);
      });
    } finally {
      worker.off('message', onMessage);
      worker.off('error', onError);
    }
  }

  /** Starts the worker ahead of the first case (loading the decoders takes a while on a busy machine). */
  async ready() {
    this.#worker ??= await this.#start();
  }

  /** A fresh worker, once it has loaded the decoders. */
  async #start() {
    const worker = new Worker(WORKER_URL, { workerData: { plant: this.#plant, suite: this.#suite } });
    await this.#answer(worker, () => undefined);
    return worker;
  }

  /** Ends a worker that hangs (or at the end of the run). */
  async stop() {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}
