#!/usr/bin/env node
import { createProgram } from '../program.js';

let settled = false;
// If the event loop runs dry while a command still waits, something upstream lost a wake-up: say so
// instead of letting Node exit with status 0 as if the command had succeeded.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  console.error('openwia: the command stalled: it was waiting on work that can no longer happen (a bug; please report it)');
  process.exitCode = 70;
});

createProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`openwia: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = process.exitCode || 1;
  })
  .finally(() => {
    settled = true;
  });
