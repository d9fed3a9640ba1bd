import cliProgress from 'cli-progress';
import { TransferMeter, count, formatBytes, formatEta, formatRate } from './measure.js';

/** What a long acquisition reports as it goes. */
export interface ProgressView {
  /** An item starts; `expectedBytes` is its size when the device announced it. */
  itemStarted(name: string, expectedBytes: number | undefined): void;
  /** Bytes of the current item so far, and the driver's own estimate of how far it is (0–100). */
  itemProgress(name: string, bytes: number, percent: number): void;
  /** An item ended (transferred, skipped, failed…) with `bytes` kept; `line` reports it. */
  itemFinished(line: string, bytes: number): void;
  /** A message above the bars (warnings, "cancelling…"), shown at once. */
  note(line: string): void;
  stop(): void;
}

/** Options of {@link createProgressView}. */
export interface ProgressViewOptions {
  json: boolean;
  /** Items the acquisition will deliver, when known (a folder's children; not a feeder's pages). */
  expectedItems?: number;
  /** Bytes the acquisition will deliver, when every item announced its size. */
  expectedBytes?: number;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Milliseconds clock (tests pass their own). */
  now?: () => number;
}

/** The size of the current item: announced, or estimated from the driver's percentage. */
function itemTotal(expected: number | undefined, bytes: number, percent: number): number | undefined {
  if (expected) return expected;
  return percent > 0 && percent < 100 && bytes > 0 ? (bytes * 100) / percent : undefined;
}

/** Bars on a terminal: the current item and the whole acquisition, each with bytes, rate and ETA. */
export class TerminalProgressView implements ProgressView {
  private readonly bars: cliProgress.MultiBar;
  private readonly overall: cliProgress.SingleBar;
  private readonly overallMeter: TransferMeter;
  private item: { bar: cliProgress.SingleBar; meter: TransferMeter; expected: number | undefined } | undefined;
  private itemsDone = 0;
  /** Bytes of finished items, plus those of the current one. */
  private bytesDone = 0;
  private currentBytes = 0;
  private drawnAt = Number.NEGATIVE_INFINITY;

  constructor(stream: NodeJS.WritableStream, private readonly options: Omit<ProgressViewOptions, 'json'>, private readonly now: () => number) {
    this.bars = new cliProgress.MultiBar(
      // Drawn by this view at most every 100 ms of its clock (see redraw), not by cli-progress's own timer.
      { stream, clearOnComplete: false, hideCursor: true, format: ' {label} |{bar}| {detail}', barsize: 24, fps: 1, forceRedraw: true },
      cliProgress.Presets.shades_classic,
    );
    this.overallMeter = new TransferMeter(now());
    this.overall = this.bars.create(1000, 0, { label: 'total'.padEnd(16), detail: '' });
    this.drawOverall();
  }

  itemStarted(name: string, expectedBytes: number | undefined): void {
    this.dropItemBar();
    const bar = this.bars.create(1000, 0, { label: name.slice(0, 16).padEnd(16), detail: '' });
    this.item = { bar, meter: new TransferMeter(this.now()), expected: expectedBytes && expectedBytes > 0 ? expectedBytes : undefined };
    this.currentBytes = 0;
  }

  itemProgress(_name: string, bytes: number, percent: number): void {
    this.currentBytes = bytes;
    if (this.item) {
      const { bar, meter, expected } = this.item;
      meter.update(bytes);
      const total = itemTotal(expected, bytes, percent);
      const of = total ? ` of ${expected ? '' : '~'}${formatBytes(total)}` : '';
      bar.update(total ? Math.min(1000, Math.round((bytes / total) * 1000)) : 0, { detail: `${formatBytes(bytes)}${of}, ${formatRate(meter.rate(this.now()))} ${formatEta(meter.secondsLeft(total, this.now()))}`.trimEnd() });
    }
    this.drawOverall();
    this.redraw(false);
  }

  itemFinished(line: string, bytes: number): void {
    this.itemsDone++;
    this.bytesDone += bytes;
    this.currentBytes = 0;
    this.dropItemBar();
    this.drawOverall();
    this.note(line);
  }

  note(line: string): void {
    this.bars.log(`${line}\n`);
    // cli-progress writes logged lines on its next redraw: draw now, a forced quit may follow.
    this.redraw(true);
  }

  stop(): void {
    this.dropItemBar();
    this.drawOverall();
    this.redraw(true);
    this.bars.stop();
  }

  /** Draws the bars now when forced, or when 100 ms have passed since the last frame. */
  private redraw(force: boolean): void {
    const now = this.now();
    if (!force && now - this.drawnAt < 100) return;
    this.drawnAt = now;
    this.bars.update();
  }

  private dropItemBar(): void {
    if (!this.item) return;
    this.item.bar.stop();
    this.bars.remove(this.item.bar);
    this.item = undefined;
  }

  /** The whole acquisition: items, bytes, rate, and an ETA when the total size is known. */
  private drawOverall(): void {
    const bytes = this.bytesDone + this.currentBytes;
    this.overallMeter.update(bytes);
    const { expectedItems, expectedBytes } = this.options;
    const items = expectedItems ? `${this.itemsDone}/${count(expectedItems, 'item')}` : count(this.itemsDone, 'item');
    const size = expectedBytes ? `${formatBytes(bytes)} of ${formatBytes(expectedBytes)}` : formatBytes(bytes);
    const now = this.now();
    const fraction = expectedBytes ? bytes / expectedBytes : expectedItems ? this.itemsDone / expectedItems : 0;
    const detail = `${items}, ${size}, ${formatRate(this.overallMeter.rate(now))} ${formatEta(this.overallMeter.secondsLeft(expectedBytes, now))}`.trimEnd();
    this.overall.update(Math.min(1000, Math.round(fraction * 1000)), { detail });
  }
}

/** How often plain-line output says how a long item is going, or that the device has sent nothing (ms). */
export const LINE_PROGRESS_INTERVAL_MS = 10_000;

/** The item a {@link LineProgressView} is reporting on. */
interface LineItem {
  name: string;
  expectedBytes: number | undefined;
  bytes: number;
  meter: TransferMeter;
}

/**
 * Plain lines when the output is not a terminal (CI, pipes, files): a line
 * per item as it ends and, every {@link LINE_PROGRESS_INTERVAL_MS} while one
 * takes long, a line with its bytes so far and rate — or that the device has
 * sent nothing for so long — so that a log never stays silent while the
 * command waits (a scanner warming up, a device that went quiet).
 */
export class LineProgressView implements ProgressView {
  private current: LineItem | undefined;
  /** When the device last did something: an item started, bytes of it arrived, an item ended. */
  private activeAt: number;
  private lineAt: number;
  private readonly timer: NodeJS.Timeout | undefined;

  /** `tickMs` 0: no timer; the caller calls {@link tick} (tests). */
  constructor(
    private readonly write: (line: string) => void,
    private readonly now: () => number,
    private readonly intervalMs = LINE_PROGRESS_INTERVAL_MS,
    tickMs = 1000,
  ) {
    this.activeAt = this.lineAt = now();
    if (tickMs > 0) this.timer = setInterval(() => this.tick(), tickMs).unref();
  }

  itemStarted(name: string, expectedBytes: number | undefined): void {
    const now = this.now();
    this.current = { name, expectedBytes, bytes: 0, meter: new TransferMeter(now) };
    this.activeAt = this.lineAt = now;
  }

  itemProgress(name: string, bytes: number, _percent: number): void {
    const item = this.current;
    if (item?.name !== name || bytes === item.bytes) return;
    item.bytes = bytes;
    item.meter.update(bytes);
    this.activeAt = this.now();
  }

  itemFinished(line: string, _bytes: number): void {
    this.current = undefined;
    this.activeAt = this.now();
    this.writeLine(line);
  }

  note(line: string): void {
    this.writeLine(line);
  }

  /** Writes the line about the current item, or about the wait for the next one, once an interval passed since the last line. */
  tick(): void {
    const now = this.now();
    if (now - this.lineAt < this.intervalMs) return;
    const item = this.current;
    const silentMs = now - this.activeAt;
    if (!item) {
      if (silentMs >= this.intervalMs) this.writeLine(`waiting for the device: nothing from it for ${seconds(silentMs)}`);
      return;
    }
    const soFar = `${formatBytes(item.bytes)}${item.expectedBytes ? ` of ${formatBytes(item.expectedBytes)}` : ''} so far`;
    if (silentMs >= this.intervalMs) this.writeLine(`${item.name.padEnd(16)} waiting for the device: no data for ${seconds(silentMs)} (${soFar})`);
    else this.writeLine(`${item.name.padEnd(16)} ${soFar}, ${formatRate(item.meter.rate(now))}`);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private writeLine(line: string): void {
    this.write(line);
    this.lineAt = this.now();
  }
}

/** Milliseconds as whole seconds, `10 s`. */
const seconds = (ms: number): string => `${Math.floor(ms / 1000)} s`;

/** Nothing (for `--json`: only the final document is printed). */
class SilentProgressView implements ProgressView {
  constructor(private readonly warn: (line: string) => void) {}
  itemStarted(): void {}
  itemProgress(): void {}
  itemFinished(): void {}
  note(line: string): void {
    this.warn(line);
  }
  stop(): void {}
}

/** Bars on a terminal, lines elsewhere, nothing but warnings for `--json`. */
export function createProgressView(options: ProgressViewOptions): ProgressView {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  if (options.json) return new SilentProgressView((line) => stderr.write(`${line}\n`));
  if (stdout.isTTY) return new TerminalProgressView(stdout, options, options.now ?? (() => performance.now()));
  return new LineProgressView((line) => stdout.write(`${line}\n`), options.now ?? (() => performance.now()));
}
