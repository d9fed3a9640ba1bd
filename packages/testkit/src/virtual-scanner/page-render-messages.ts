import type { PageRenderSpec } from './page-renderer.js';

/** What the page-render child is asked: a page, or to compile its drawing and encoding code ahead of the first page. */
export type PageRenderRequest = { id: number; spec: PageRenderSpec } | { warmUp: true };

/** What the page-render child answers: a page's bytes, or why it could not render it. */
export type PageRenderReply = { id: number; bytes?: Uint8Array; error?: string };
