import { expect } from 'chai';
import { OffThreadPageRenderer } from './off-thread-renderer.js';
import { renderDocument, type PageRenderSpec } from './page-renderer.js';

describe('OffThreadPageRenderer (pages drawn and encoded on a worker thread)', () => {
  const renderer = new OffThreadPageRenderer();
  after(() => renderer.close());

  it('gives byte for byte what renderDocument gives, for JPEG, PNG and several pages at once', async () => {
    const specs: PageRenderSpec[] = [
      { pageNumber: 3, widthPx: 200, heightPx: 263, colorMode: 'RGB24', format: 'image/jpeg', quality: 85 },
      { pageNumber: 4, widthPx: 90, heightPx: 120, offsetXPx: 10, offsetYPx: 20, sheetWidthPx: 150, sheetHeightPx: 200, colorMode: 'Grayscale8', format: 'image/png' },
      { pageNumber: 5, widthPx: 64, heightPx: 64, colorMode: 'BlackAndWhite1', format: 'image/jpeg' },
    ];
    const offThread = await Promise.all(specs.map((spec) => renderer.render(spec)));
    for (const [i, spec] of specs.entries()) expect(Buffer.compare(offThread[i]!, await renderDocument(spec)), `page ${spec.pageNumber}`).to.equal(0);
  });

  it('renders on after its worker was stopped, and after close() with pages still owed', async () => {
    const spec: PageRenderSpec = { pageNumber: 9, widthPx: 40, heightPx: 40, colorMode: 'RGB24', format: 'image/png' };
    const owed = renderer.render(spec);
    await renderer.close();
    expect(Buffer.compare(await owed, await renderDocument(spec))).to.equal(0);
    expect(Buffer.compare(await renderer.render(spec), await renderDocument(spec))).to.equal(0);
  });
});
