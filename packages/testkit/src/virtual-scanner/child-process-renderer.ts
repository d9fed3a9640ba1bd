import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PageRenderReply, PageRenderRequest } from './page-render-messages.js';
import { renderDocument, type PageRenderSpec } from './page-renderer.js';

type Pending = { spec: PageRenderSpec; resolve: (bytes: Buffer) => void; reject: (err: unknown) => void };

/**
 * Renders pages in a child process, so that drawing and encoding (a 150-dpi
 * A4 colour page costs jpeg-js a few hundred ms) never hold the event loop of
 * the process the scanner serves: a Ctrl-C, a cancel or another device's
 * traffic is answered meanwhile.
 *
 * A process rather than a worker thread: a simulated device should cost the
 * host process what a real one does, not its own heap, garbage and allocator
 * arenas. A worker's (jpeg-js's tables, page buffers) stayed in the host until
 * it ended — and took the kernel about 10 ms to tear down when a Ctrl-C ended
 * it, a third of the time from the signal to the shell prompt.
 *
 * The child starts on the first page asked for (a scanner never used costs
 * nothing) and does not keep this process alive while idle; it ends when this
 * process does (its IPC channel closes), and ignores a terminal's Ctrl-C,
 * which is this process's to handle. When it cannot be started or dies,
 * pages are rendered on the calling thread instead.
 */
export class ChildProcessPageRenderer {
  /** The renderer virtual scanners share by default: one child per process. */
  static readonly shared = new ChildProcessPageRenderer();
  private child: ChildProcess | undefined;
  private failed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** The page for `spec`, byte for byte what {@link renderDocument} gives. */
  render(spec: PageRenderSpec): Promise<Buffer> {
    const child = this.failed ? undefined : this.start();
    if (!child) return renderDocument(spec);
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.pending.set(id, { spec, resolve, reject });
      if (this.pending.size === 1) holdOpen(child, true);
      this.send(child, { id, spec });
    });
  }

  /**
   * Starts the child ahead of the first page (a device is in use: its first
   * request arrived), so that its start and its compiler's warm-up overlap
   * with the client's setup rather than with the first page.
   */
  warmUp(): void {
    const child = this.failed ? undefined : this.start();
    if (child) this.send(child, { warmUp: true });
  }

  /** Stops the child; pages still owed are rendered here, pages asked for later start a new child. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.abandon(child);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // The child ends when its channel closes; a child that does not is killed.
    if (child.connected) child.disconnect();
    else child.kill();
    await exited;
  }

  private start(): ChildProcess | undefined {
    if (this.child) return this.child;
    try {
      // No execArgv: the host's flags (--inspect, --cpu-prof, a test runner's hooks) are not the child's.
      const child = fork(fileURLToPath(new URL('./page-render-child.js', import.meta.url)), [], {
        execArgv: [],
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      });
      child.on('message', (reply: PageRenderReply) => this.settle(reply));
      child.on('error', () => {
        // Spawning failed (or the channel broke): render here from now on.
        this.failed = true;
        this.abandon(child);
      });
      child.on('exit', () => this.abandon(child));
      // After the listeners: a 'message' listener refs the channel again.
      holdOpen(child, false);
      this.child = child;
      return child;
    } catch {
      this.failed = true;
      return undefined;
    }
  }

  private send(child: ChildProcess, request: PageRenderRequest): void {
    child.send(request, (err) => {
      if (err) this.abandon(child);
    });
  }

  private settle(reply: PageRenderReply): void {
    const waiting = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    if (this.pending.size === 0 && this.child) holdOpen(this.child, false);
    if (!waiting) return;
    if (reply.bytes) waiting.resolve(Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.length));
    else waiting.reject(new Error(reply.error ?? 'the page renderer failed'));
  }

  /** The child is gone: the pages it owed are rendered here; later ones start a new child. */
  private abandon(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = undefined;
    const owed = [...this.pending.values()];
    this.pending.clear();
    for (const waiting of owed) renderDocument(waiting.spec).then(waiting.resolve, waiting.reject);
  }
}

/** Busy: the child keeps this process alive until the page is back; idle: it does not. */
function holdOpen(child: ChildProcess, busy: boolean): void {
  if (busy) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}
