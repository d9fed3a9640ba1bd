// Runs a bench script in a Node process of its own and returns the JSON
// document it printed last: for figures that must not inherit this
// process's heap (memory, the USB 2.0 scale) or that need Node flags.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * @param {string} script path of the script
 * @param {string[]} [args] its arguments
 * @param {string[]} [nodeFlags] flags for Node itself (before the script)
 * @param {Record<string, string>} [env] variables added to this process's environment
 * @returns {Promise<any>} the parsed last line of its stdout
 */
export async function runJsonChild(script, args = [], nodeFlags = [], env = {}) {
  const { stdout } = await execFileAsync(process.execPath, [...nodeFlags, script, ...args], { maxBuffer: 1 << 22, env: { ...process.env, ...env } });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}
