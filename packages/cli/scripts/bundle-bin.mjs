#!/usr/bin/env node
// Bundles the compiled `openwia` command (dist/bin/openwia.js, from tsc) into dist/bundle/.
//
// Why: a short command such as `openwia list` spent more time finding, reading and compiling
// about sixty small modules (the CLI, core, plugins, commander) than doing its work. One
// entry chunk, with a chunk per lazily imported command or feature (code splitting keeps
// `--simulate`, `serve` and the testkit out of `list`), halves that.
//
// Left outside the bundle, loaded from node_modules at run time:
// - `usb`: a native addon;
// - `tsyringe` and `reflect-metadata`: core requires them on first use, and a plugin's
//   decorators must register with that same container instance, so there must be one copy;
// - `pdfkit`: it reads its data files relative to its own module.
// The CLI's package.json lists each of them, so that they resolve from the bundle's folder.
// The virtual scanner's page-render child process runs an entry point of its own, beside the
// chunk that starts it: the testkit finds it as `./page-render-child.js` next to itself.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const cli = resolve(import.meta.dirname, '..');
const outdir = join(cli, 'dist', 'bundle');
const require = createRequire(join(cli, 'package.json'));
const testkitDist = dirname(require.resolve('@openwia/testkit'));

rmSync(outdir, { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: {
    openwia: join(cli, 'dist', 'bin', 'openwia.js'),
    'page-render-child': join(testkitDist, 'virtual-scanner', 'page-render-child.js'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['usb', 'usb/*', 'tsyringe', 'reflect-metadata', 'pdfkit'],
  // CommonJS dependencies (commander) call require() for Node's own modules; an ESM chunk has none.
  banner: { js: "import { createRequire as __openwiaCreateRequire } from 'node:module'; const require = __openwiaCreateRequire(import.meta.url);" },
  chunkNames: '[name]-[hash]',
  // Maps name the original module and line in a stack trace (node --enable-source-maps) without shipping the sources twice.
  sourcemap: 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
});

// The testkit starts its child by a path relative to its own module: should a change of
// layout separate the two, the scanner would quietly render on the main thread instead.
const outputs = Object.entries(metafile.outputs);
const starter = outputs.find(([, out]) => Object.keys(out.inputs).some((input) => input.endsWith('virtual-scanner/child-process-renderer.js')));
const child = outputs.find(([, out]) => out.entryPoint?.endsWith('virtual-scanner/page-render-child.js'));
if (!starter || !child || dirname(starter[0]) !== dirname(child[0]) || !child[0].endsWith('/page-render-child.js')) {
  throw new Error(`bundle-bin: the page-render child is not beside the chunk that starts it (${starter?.[0]}, ${child?.[0]})`);
}
