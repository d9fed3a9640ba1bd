import { Worker } from 'node:worker_threads';
import { renderDocument, type PageRenderSpec } from './page-renderer.js';

/**
 * The worker's young generation: jpeg-js's short-lived arrays grow V8's default (up to 48 MB)
 * to the full size, memory a process then holds — and the kernel must tear down when a Ctrl-C
 * ends it. 8 MB costs the renderer no measurable time.
 */
const YOUNG_GENERATION_MB = 8;

type Pending = { spec: PageRenderSpec; resolve: (bytes: Buffer) => void; reject: (err: unknown) => void };

/**
 * Renders pages on a worker thread, so that drawing and JPEG encoding (a
 * 150-dpi A4 colour page costs jpeg-js a few hundred ms) never hold the event
 * loop: a Ctrl-C, a cancel or another device's traffic is answered meanwhile.
 *
 * The worker starts on the first page asked for (a scanner never used costs
 * nothing) and does not keep the process alive while idle. When a worker
 * cannot be started or dies, pages are rendered on the calling thread instead.
 */
export class OffThreadPageRenderer {
  /** The renderer virtual scanners share by default: one worker per process. */
  static readonly shared = new OffThreadPageRenderer();
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** The page for `spec`, byte for byte what {@link renderDocument} gives. */
  render(spec: PageRenderSpec): Promise<Buffer> {
    const worker = this.failed ? undefined : this.start();
    if (!worker) return renderDocument(spec);
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { spec, resolve, reject });
      // Busy: hold the process open until the page is back; idle: let it exit.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, spec });
    });
  }

  /**
   * Starts the worker ahead of the first page (a device is in use: its first
   * request arrived), so that its start and its compiler's warm-up overlap
   * with the client's setup rather than with the first page.
   */
  warmUp(): void {
    if (!this.failed) this.start()?.postMessage({ warmUp: true });
  }

  /** Stops the worker; pages still owed are rendered here, pages asked for later start a new worker. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.abandon(worker);
    await worker.terminate();
  }

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(new URL('./page-render-worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      worker.on('message', (reply: { id: number; bytes?: Uint8Array; error?: string }) => this.settle(reply));
      worker.on('error', () => this.abandon(worker));
      worker.on('exit', () => this.abandon(worker));
      // After the listeners: adding a 'message' listener refs the worker's port again.
      worker.unref();
      this.worker = worker;
      return worker;
    } catch {
      this.failed = true;
      return undefined;
    }
  }

  private settle(reply: { id: number; bytes?: Uint8Array; error?: string }): void {
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (!waiting) return;
    if (reply.bytes) waiting.resolve(Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.length));
    else waiting.reject(new Error(reply.error ?? 'the page renderer failed'));
  }

  /** The worker is gone: the pages it owed are rendered here; later ones start a new worker. */
  private abandon(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const owed = [...this.pending.values()];
    this.pending.clear();
    for (const waiting of owed) renderDocument(waiting.spec).then(waiting.resolve, waiting.reject);
  }
}
