#!/usr/bin/env node
// Follows docs/writing-a-plugin.md literally, as a vendor would, in a folder outside the
// workspace: runs its shell blocks in order (with OPENWIA = this repository), writes each block
// the page introduces with "File `path`:", and expects `openwia-conformance` to pass 13/13.
// Also checks that the page's source files are those of examples/src/frame-grabber, which
// `npm test` compiles and tests. `npm run check:tutorial`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const page = readFileSync(join(root, 'docs', 'writing-a-plugin.md'), 'utf8');

/** The page's steps in order: shell blocks to run and files to write (blocks marked to skip left out). */
function steps() {
  const found = [];
  for (const m of page.matchAll(/(?:File `([^`]+)`:\n\n|(<!-- check:tutorial skips[^\n]*\n))?```(\w*)\n([^]*?)```/g)) {
    const [, file, skip, lang, body] = m;
    if (file) found.push({ file, body });
    else if (lang === 'sh' && !skip) found.push({ sh: body });
  }
  return found;
}

/** Writes one file of the page, and checks it against the repository's copy of the example. */
function writeStep(cwd, file, body) {
  const path = join(cwd, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
  console.log(`wrote ${file}`);
  if (!file.startsWith('src/')) return;
  const example = join(root, 'examples', 'src', 'frame-grabber', file.slice('src/'.length));
  if (readFileSync(example, 'utf8') !== body) throw new Error(`${file} in docs/writing-a-plugin.md differs from ${example}`);
}

/** Runs one shell block in `cwd` as a terminal would; returns its output and where it ended (a `cd` carries over). */
function runStep(cwd, block, work) {
  // The page's `export OPENWIA=…` names the reader's own clone: here, this repository.
  const script = block.replace(/^export OPENWIA=.*$/m, ': reader sets OPENWIA');
  console.log(`$ ${script.trim().split('\n').join('\n$ ')}`);
  const env = { ...process.env, OPENWIA: root, npm_config_prefer_offline: 'true', npm_config_fund: 'false', npm_config_audit: 'false' };
  const cwdFile = join(work, '.cwd');
  const output = execFileSync('bash', ['-ec', `${script}\npwd > ${JSON.stringify(cwdFile)}`], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (output.trim()) console.log(output.trim());
  return { output, cwd: readFileSync(cwdFile, 'utf8').trim() };
}

const work = mkdtempSync(join(tmpdir(), 'openwia-tutorial-'));
try {
  let cwd = work;
  let last = '';
  for (const step of steps()) {
    if (step.file) writeStep(cwd, step.file, step.body);
    else ({ output: last, cwd } = runStep(cwd, step.sh, work));
  }
  if (!/^13\/13 rules passed$/m.test(last)) throw new Error('the tutorial did not end with "13/13 rules passed"');
  console.log('\ntutorial check passed: docs/writing-a-plugin.md, followed literally outside the workspace, gives 13/13');
} finally {
  rmSync(work, { recursive: true, force: true });
}
