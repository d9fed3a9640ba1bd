import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'eventemitter3';
import { E_FAIL, WiaError } from '@openwia/core';
import { relayPython } from './availability.js';

/** A message from the relay: a URB to serve, a discard, a notice of a usbfs ioctl, an acknowledgement. */
export type RelayMessage =
  | { op: 'ready'; root: string }
  | { op: 'added' | 'removed' | 'synced'; key: string }
  | { op: 'submit'; key: string; urb: number; type: number; ep: number; len: number; data: string }
  | { op: 'discard'; key: string; urb: number }
  | { op: 'notice'; key: string; what: string; value: number; driver?: string | null };

/** The relay script ships beside the compiled bridge's sources (`src/usbfs-bridge`). */
const RELAY_SCRIPT = fileURLToPath(new URL('../../src/usbfs-bridge/usbfs_relay.py', import.meta.url));

/**
 * The thin GObject-introspection process that owns the umockdev testbed and
 * relays usbfs ioctls as JSON lines. Its stdio pipes are unref'd: a test
 * process whose only remaining handle is the relay still exits.
 */
export class RelayProcess {
  readonly messages = new EventEmitter<{ message: (m: RelayMessage) => void; exit: (why: string) => void }>();
  private buffered = '';
  private exited: string | undefined;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly root: string,
  ) {}

  /** Starts the relay and waits for its testbed root directory (bounded: 20 s). */
  static async start(): Promise<RelayProcess> {
    if (!existsSync(RELAY_SCRIPT)) throw new WiaError(E_FAIL, `the usbfs relay script is missing: ${RELAY_SCRIPT}`);
    const PYTHON = relayPython();
    // The relay owns a new testbed, not one it inherited (a child of a test process). It keeps
    // LD_PRELOAD: umockdev sends uevents through its preload library.
    const { UMOCKDEV_DIR: _inherited, ...env } = process.env;
    const child = spawn(PYTHON, ['-u', RELAY_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (process.env['OPENWIA_UMOCKDEV_DEBUG']) process.stderr.write(chunk);
    });
    const root = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new WiaError(E_FAIL, 'the umockdev relay did not start within 20 s')), 20_000);
      child.once('error', (err) => reject(WiaError.from(err, E_FAIL, `cannot start ${PYTHON} for the umockdev relay`)));
      child.once('exit', (code) => reject(new WiaError(E_FAIL, `the umockdev relay exited (${code}) before it was ready: ${stderr.trim()}`)));
      child.stdout.once('data', (chunk: Buffer) => {
        clearTimeout(timer);
        const first = JSON.parse(chunk.toString().split('\n')[0]!) as RelayMessage;
        if (first.op === 'ready') resolve(first.root);
        else reject(new WiaError(E_FAIL, `the umockdev relay said ${first.op} before ready`));
      });
    });
    const relay = new RelayProcess(child, root);
    child.stdout.on('data', (chunk: Buffer) => relay.receive(chunk.toString()));
    child.on('exit', (code, signal) => relay.gone(`the umockdev relay exited (${signal ?? code}): ${stderr.trim()}`));
    for (const stream of [child.stdin, child.stdout, child.stderr] as unknown as Array<{ unref?: () => void }>) stream.unref?.();
    child.unref();
    return relay;
  }

  /** Sends one command (add, remove, done). */
  send(message: object): void {
    if (this.exited) throw new WiaError(E_FAIL, this.exited);
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /** Ends the relay; it removes its testbed directory as it exits. */
  stop(): void {
    this.child.stdin.end();
  }

  private receive(text: string): void {
    const lines = (this.buffered + text).split('\n');
    this.buffered = lines.pop()!;
    for (const line of lines) if (line) this.messages.emit('message', JSON.parse(line) as RelayMessage);
  }

  private gone(why: string): void {
    this.exited = why;
    this.messages.emit('exit', why);
  }
}
