#!/usr/bin/env node
import { createConformanceProgram } from '../cli-program.js';

createConformanceProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(`openwia-conformance: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
