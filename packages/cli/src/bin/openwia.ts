#!/usr/bin/env node
import { CommanderError } from 'commander';
import { reportFailure } from '../output/failure.js';
import { createProgram } from '../program.js';
import { exitBySignal, signalToEndBy } from '../session/interrupt.js';

let settled = false;
// If the event loop runs dry while a command still waits, something upstream lost a wake-up: say so
// instead of letting Node exit with status 0 as if the command had succeeded.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  console.error('openwia: the command stalled: it was waiting on work that can no longer happen (a bug; please report it)');
  process.exitCode = 70;
});
// A reader that goes away (`openwia list | head -1`) is not an error of ours: stop quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

/**
 * Ends the process with `process.exitCode` once stdout and stderr have taken what was written —
 * or, after a command a signal cancelled, by that signal. The command is over (its devices
 * closed, its files settled): exiting now rather than when the event loop runs dry skips Node's
 * tear-down of the environment and the V8 heap, which after a scan is tens of milliseconds
 * between Ctrl-C and the shell prompt.
 */
function exitOnceFlushed(): void {
  process.stdout.write('', () =>
    process.stderr.write('', () => {
      const signal = signalToEndBy();
      if (signal) exitBySignal(signal);
      else process.exit();
    }),
  );
}

// Decided before parsing, so that a usage error is JSON too when --json was asked for.
const json = process.argv.slice(2).includes('--json');

createProgram({ json })
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      // Help and --version are not failures; commander has printed them (or, with --json, the usage error).
      if (err.exitCode === 0 || !json) return;
    }
    process.exitCode = process.exitCode || 1;
    reportFailure(err, json);
  })
  .finally(() => {
    settled = true;
    exitOnceFlushed();
  });
