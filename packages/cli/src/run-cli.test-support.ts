import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed bin shim npm links (packages/cli/bin/openwia.js), which loads the bundled command in dist/bundle/. */
export const OPENWIA_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'openwia.js');

/** How a run of the real `openwia` binary ended. */
export interface CliRun {
  code: number | null;
  /** The signal that killed it, when it did not exit by itself. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A signal sent to the running command: when its output first matches `when`, `afterMs` after the previous
 * signal, or once `whenTrue` (polled every 10 ms) says so — a condition of the devices this process serves.
 */
export type SignalStep = { signal?: NodeJS.Signals } & ({ when: RegExp } | { afterMs: number } | { whenTrue: () => boolean });

/**
 * Runs `openwia --no-usb …args` (with `usb: true`, `openwia …args`: it looks at USB devices too) and sends each
 * of `signals` in turn (SIGINT unless named); `wrapper` runs it under another command (`['strace', …, '--']`,
 * `['prlimit', '--fsize=N', '--']`). Signals are not queued: a step that waits on output sees the previous one
 * arrive first.
 */
export function runCli(args: string[], options: { cwd?: string; signals?: SignalStep[]; usb?: boolean; wrapper?: string[] } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const command = [...(options.wrapper ?? []), process.execPath, OPENWIA_BIN, ...(options.usb ? [] : ['--no-usb']), ...args];
    const child = spawn(command[0]!, command.slice(1), { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const pending = [...(options.signals ?? [])];
    let timer: NodeJS.Timeout | undefined;
    const next = (): void => {
      const step = pending[0];
      if (!step) return;
      if ('afterMs' in step || 'whenTrue' in step) {
        pending.shift();
        const fire = (): void => {
          child.kill(step.signal ?? 'SIGINT');
          next();
        };
        if ('afterMs' in step) timer = setTimeout(fire, step.afterMs);
        else {
          const poll = (): void => {
            if (step.whenTrue()) fire();
            else timer = setTimeout(poll, 10);
          };
          poll();
        }
      } else if (step.when.test(stdout + stderr)) {
        pending.shift();
        child.kill(step.signal ?? 'SIGINT');
        next();
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      next();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      next();
    });
    child.on('error', reject);
    // A first step that waits on time or on the devices starts now; one that waits on output, with the output.
    next();
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
