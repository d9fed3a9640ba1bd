import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type SignalStep } from './run-cli.test-support.js';

const DOC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'cli.md');

/** Every complete `openwia …` command in docs/cli.md: lines of its sh blocks and its inline code. */
function documentedCommands(): string[] {
  const text = readFileSync(DOC, 'utf8');
  const blockLines = [...text.matchAll(/```sh\n([^]*?)```/g)].flatMap((m) => m[1]!.split('\n'));
  const inline = [...text.replace(/```[^]*?```/g, '').matchAll(/`(openwia [^`]+)`/g)].map((m) => m[1]!);
  // Synopsis lines with placeholders (<device>, [--json], DIR, MS) are grammar, not examples.
  return [...new Set([...blockLines, ...inline].map((l) => l.replace(/\s+/g, ' ').trim()))].filter((l) => l.startsWith('openwia ') && !/[<[]|\b(DIR|MS|FILE|NAME=VALUE|HOST)\b/.test(l));
}

/** Splits a documented command the way a POSIX shell would (the docs use single quotes only). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('every example in docs/cli.md runs as printed (end to end)', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-docs-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the examples', () => {
    expect(documentedCommands()).to.include.members(['openwia list --simulate', "openwia acquire sim:camera 'SD Card' --simulate --out photos", "openwia acquire sim:camera 'SD Card/DCIM/100CANON' --simulate --out photos", 'openwia demo']);
  });

  for (const line of documentedCommands()) {
    it(line, async () => {
      const args = shellWords(line).slice(1);
      // `watch` without --for and `serve` run until Ctrl-C, as documented: press it once they are up.
      const untilCtrlC = (args[0] === 'watch' && !args.includes('--for')) || args[0] === 'serve';
      const signals: SignalStep[] = untilCtrlC ? [{ when: args[0] === 'serve' ? /try it:/ : /watching/ }] : [];
      const run = await runCli(args, { cwd: dir, signals });
      expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
      expect(run.stderr).to.not.match(/error|stalled/i);
    });
  }
});
