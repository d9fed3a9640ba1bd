import { renderDocument, type PageRenderSpec } from './page-renderer.js';
import type { PageRenderReply, PageRenderRequest } from './page-render-messages.js';

/**
 * The child process behind {@link ChildProcessPageRenderer}: renders one page
 * per message and sends its bytes back.
 */

/** A small colour page drawn once so that the drawing and encoding code is compiled before the first real page. */
const WARM_UP: PageRenderSpec = { pageNumber: 8, widthPx: 256, heightPx: 256, colorMode: 'RGB24', format: 'image/jpeg' };

const reply = (message: PageRenderReply): void => {
  process.send?.(message);
};

process.on('message', (request: PageRenderRequest) => {
  if ('warmUp' in request) {
    void renderDocument(WARM_UP);
    return;
  }
  renderDocument(request.spec).then(
    (bytes) => reply({ id: request.id, bytes }),
    (err: unknown) => reply({ id: request.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
// A terminal's Ctrl-C reaches the whole process group: it is the parent's to handle, and the parent may still need a page.
process.on('SIGINT', () => undefined);
// The parent ended, or closed its renderer.
process.on('disconnect', () => process.exit(0));
