// Timing whole processes: wall time to exit, and the time from SIGINT to exit.
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Runs a command to its end.
 * @returns {Promise<{ code: number|null, signal: string|null, ms: number, stdout: string, stderr: string }>}
 */
export function timedRun(command, args, { timeoutMs = 120_000, env } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: performance.now() - t0, stdout, stderr });
    });
  });
}

/**
 * Starts a command, waits until `ready(stderr, stdout)` says the scan is well
 * under way (then `extraWaitMs` more), sends SIGINT, and times the exit.
 * @returns {Promise<{ code: number|null, signal: string|null, sigintToExitMs: number, sentAfterMs: number, stderr: string }>}
 */
export function sigintRun(command, args, { ready, extraWaitMs = 0, timeoutMs = 60_000 }) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sentAt;
    let polling;
    const fire = () => {
      if (sentAt !== undefined) return;
      clearInterval(polling);
      setTimeout(() => {
        sentAt = performance.now();
        child.kill('SIGINT');
      }, extraWaitMs);
      sentAt = NaN; // armed
    };
    const check = async () => {
      if (sentAt === undefined && (await ready(stderr, stdout))) fire();
    };
    child.stdout.on('data', (d) => ((stdout += d), void check()));
    child.stderr.on('data', (d) => ((stderr += d), void check()));
    polling = setInterval(() => void check(), 5);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      clearInterval(polling);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(polling);
      const now = performance.now();
      resolve({ code, signal, sigintToExitMs: now - sentAt, sentAfterMs: sentAt - t0, stderr, stdout });
    });
  });
}

/** Sum of the sizes of the files in a directory, and their count. */
export async function directoryBytes(dir) {
  let bytes = 0;
  let files = 0;
  for (const name of await readdir(dir)) {
    bytes += (await stat(join(dir, name))).size;
    files++;
  }
  return { bytes, files };
}
