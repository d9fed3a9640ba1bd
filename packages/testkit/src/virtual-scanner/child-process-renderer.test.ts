import { expect } from 'chai';
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { ChildProcessPageRenderer } from './child-process-renderer.js';
import { renderDocument, type PageRenderSpec } from './page-renderer.js';

describe('ChildProcessPageRenderer (pages drawn and encoded in a child process)', () => {
  const renderer = new ChildProcessPageRenderer();
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

  it('renders on after its child was stopped, and after close() with pages still owed', async () => {
    const spec: PageRenderSpec = { pageNumber: 9, widthPx: 40, heightPx: 40, colorMode: 'RGB24', format: 'image/png' };
    const owed = renderer.render(spec);
    await renderer.close();
    expect(Buffer.compare(await owed, await renderDocument(spec))).to.equal(0);
    expect(Buffer.compare(await renderer.render(spec), await renderDocument(spec))).to.equal(0);
  });

  it('a child that dies with a page owed: the page is rendered here, and the next one starts a new child', async () => {
    const spec: PageRenderSpec = { pageNumber: 6, widthPx: 120, heightPx: 160, colorMode: 'RGB24', format: 'image/jpeg' };
    const owed = renderer.render(spec);
    const child = (renderer as unknown as { child: ChildProcess }).child;
    child.kill('SIGKILL');
    expect(Buffer.compare(await owed, await renderDocument(spec))).to.equal(0);
    expect(Buffer.compare(await renderer.render(spec), await renderDocument(spec))).to.equal(0);
    expect((renderer as unknown as { child: ChildProcess }).child.pid).to.not.equal(child.pid);
  });

  it('keeps its process alive while a page is owed, and not once idle: a script that renders a page ends by itself', async () => {
    const script = `
      import { ChildProcessPageRenderer } from ${JSON.stringify(new URL('./child-process-renderer.js', import.meta.url).href)};
      const page = await ChildProcessPageRenderer.shared.render({ pageNumber: 1, widthPx: 64, heightPx: 64, colorMode: 'Grayscale8', format: 'image/png' });
      console.log(page.length);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000 });
    expect(Number(stdout.trim())).to.be.greaterThan(0);
  });
});
