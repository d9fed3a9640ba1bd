import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { OPENWIA_BIN } from '../run-cli.test-support.js';

/** `openwia serve` as a user runs it, with its output collected. */
export class ServeProcess {
  output = '';
  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /** Starts `openwia --no-usb serve …` (with `usb: true`, real USB devices are served too). */
  static async start(args: string[], { usb = false }: { usb?: boolean } = {}): Promise<{ serve: ServeProcess; origin: string }> {
    const serve = new ServeProcess(spawn(process.execPath, [OPENWIA_BIN, ...(usb ? [] : ['--no-usb']), 'serve', '--port', '0', '--no-mdns', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const origin = await serve.waitFor(/listening on (http:\/\/[\d.]+:\d+)/);
    await serve.waitFor(/try it:/);
    return { serve, origin: origin[1]! };
  }

  /** Resolves with the first match in the output (bounded by the test timeout). */
  async waitFor(pattern: RegExp): Promise<RegExpExecArray> {
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`openwia serve exited: ${this.output}`);
      await Promise.race([once(this.child.stdout!, 'data'), once(this.child, 'exit')]);
    }
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const [code] = (await once(this.child, 'exit')) as [number | null];
    return code;
  }
}

