import { ChildProcessPageRenderer } from './child-process-renderer.js';
import type { PageRenderSpec } from './page-renderer.js';

/**
 * Rendered pages kept for reuse, bounded in bytes (least recently used
 * dropped first): a scanner asked for the same page again (every flatbed
 * scan is page 1 of its size) answers at once. Pages are rendered lazily,
 * so building a scanner costs nothing up front.
 */
export class PageCache {
  /** The cache virtual scanners share by default: the scanners of one process draw the same pages. */
  static readonly shared = new PageCache();
  private readonly pages = new Map<string, Promise<Buffer>>();
  private bytes = 0;
  private readonly sizes = new Map<string, number>();

  /**
   * @param maxBytes the most bytes of pages kept
   * @param render how a page missing from the cache is made (default: on the
   *   shared child process, see `ChildProcessPageRenderer`)
   */
  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly render: (spec: PageRenderSpec) => Promise<Buffer> = (spec) => ChildProcessPageRenderer.shared.render(spec),
  ) {}

  /** Pages held (rendered or being rendered). */
  get size(): number {
    return this.pages.size;
  }

  /** The page for `spec`, rendered once. */
  get(spec: PageRenderSpec): Promise<Buffer> {
    const key = JSON.stringify([spec.pageNumber, spec.widthPx, spec.heightPx, spec.offsetXPx, spec.offsetYPx, spec.sheetWidthPx, spec.sheetHeightPx, spec.colorMode, spec.format, spec.quality, spec.dpi]);
    const hit = this.pages.get(key);
    if (hit) {
      this.pages.delete(key);
      this.pages.set(key, hit);
      return hit;
    }
    const page = this.render(spec);
    this.pages.set(key, page);
    page.then(
      (bytes) => this.account(key, bytes.length),
      () => this.pages.delete(key),
    );
    return page;
  }

  private account(key: string, size: number): void {
    if (!this.pages.has(key)) return;
    this.sizes.set(key, size);
    this.bytes += size;
    for (const oldest of this.pages.keys()) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.bytes -= this.sizes.get(oldest) ?? 0;
      this.sizes.delete(oldest);
      this.pages.delete(oldest);
    }
  }
}
