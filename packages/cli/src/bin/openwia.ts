#!/usr/bin/env node
import { createProgram } from '../program.js';

createProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`openwia: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
