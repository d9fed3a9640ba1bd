// Shared by the committed bin shims: run the compiled entry point, or say how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Imports `entry` (a compiled bin in dist/). When that file is missing — a clone that has not
 * been built — says what to run instead of printing a module-resolution stack trace.
 * @param {string} command the command's name, for the message
 * @param {URL} entry the compiled entry point
 */
export async function loadBuilt(command, entry) {
  if (!existsSync(entry)) {
    process.stderr.write(`${command}: not built yet (${fileURLToPath(entry)} is missing); run \`npm run build\` in the repository first\n`);
    process.exitCode = 1;
    return;
  }
  await import(entry.href);
}
