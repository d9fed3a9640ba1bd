import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { E_INVALIDARG, WiaError } from '@openwia/core';
import { FileStoreDriver } from './fixtures/file-store-plugin.js';
import { IgnoresSignalDriver } from './fixtures/misbehaving-plugins.js';
import { loadConformanceTarget } from './load-target.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/targets.js', import.meta.url));

describe('loadConformanceTarget (the module convention)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-conformance-'));
    await writeFile(join(dir, 'factory.mjs'), 'class Plugin {}\nexport default async () => ({ name: "made", plugin: Plugin, device: () => undefined });\n');
    await writeFile(join(dir, 'not-a-target.mjs'), 'export default { plugin: 42 };\n');
    await writeFile(join(dir, 'throws.mjs'), 'export default () => { throw new Error("no scanner attached"); };\n');
    await writeFile(join(dir, 'broken.mjs'), 'export default = ;\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the default export as the target', async () => {
    const target = await loadConformanceTarget(FIXTURES);
    expect(target.plugin).to.equal(FileStoreDriver);
    expect(target.name).to.equal('file-store');
  });

  it('takes a named export with exportName, and resolves a relative path from cwd', async () => {
    const target = await loadConformanceTarget('./targets.js', { exportName: 'ignoresSignal', cwd: join(FIXTURES, '..') });
    expect(target.plugin).to.equal(IgnoresSignalDriver);
  });

  it('calls an exported function (sync or async) for the target', async () => {
    const target = await loadConformanceTarget(join(dir, 'factory.mjs'));
    expect(target.name).to.equal('made');
  });

  const refusals: Array<[string, string, RegExp]> = [
    ['a missing file', './missing.mjs', /^no conformance module at .*missing\.mjs$/],
    ['an export that is no target', 'not-a-target.mjs', /^export "default" of .*not-a-target\.mjs is not a conformance target: "plugin" must be a plugin class/],
    ['a factory that throws', 'throws.mjs', /is a function, and calling it for the target failed: no scanner attached$/],
    ['a module that does not parse', 'broken.mjs', /^cannot load conformance module .*broken\.mjs: /],
  ];
  for (const [what, file, message] of refusals) {
    it(`refuses ${what} with E_INVALIDARG saying what is wrong`, async () => {
      const error = await loadConformanceTarget(file, { cwd: dir }).catch((err: unknown) => err);
      expect(error).to.be.instanceOf(WiaError).with.property('hresult', E_INVALIDARG);
      expect((error as WiaError).message).to.match(message);
    });
  }
});
