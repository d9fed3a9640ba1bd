import { parentPort } from 'node:worker_threads';
import { renderDocument, type PageRenderSpec } from './page-renderer.js';

/**
 * The worker thread behind {@link OffThreadPageRenderer}: renders one page per
 * message and sends its bytes back in a buffer of their own (transferred, not
 * copied; never a slice of Node's shared pool).
 */
/** A small colour page drawn once so that the drawing and encoding code is compiled before the first real page. */
const WARM_UP: PageRenderSpec = { pageNumber: 8, widthPx: 256, heightPx: 256, colorMode: 'RGB24', format: 'image/jpeg' };

parentPort?.on('message', (request: { id: number; spec: PageRenderSpec } | { warmUp: true }) => {
  if ('warmUp' in request) {
    void renderDocument(WARM_UP);
    return;
  }
  renderDocument(request.spec).then(
    (bytes) => {
      const own = new Uint8Array(bytes.length);
      own.set(bytes);
      parentPort!.postMessage({ id: request.id, bytes: own }, [own.buffer]);
    },
    (err: unknown) => parentPort!.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
