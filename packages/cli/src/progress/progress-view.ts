import cliProgress from 'cli-progress';

/** What a long acquisition reports as it goes. */
export interface ProgressView {
  itemStarted(name: string, expectedBytes: number | undefined): void;
  itemProgress(name: string, bytes: number, totalBytes: number): void;
  itemFinished(line: string): void;
  /** A message above the bars (warnings, "cancelling…"). */
  note(line: string): void;
  stop(): void;
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

/** Bars on a terminal: the current item and the whole acquisition, redrawn in place. */
class TerminalProgressView implements ProgressView {
  private readonly bars: cliProgress.MultiBar;
  private readonly overall: cliProgress.SingleBar;
  private item: cliProgress.SingleBar | undefined;
  private itemsDone = 0;

  constructor(stream: NodeJS.WriteStream, private readonly expectedItems: number | undefined) {
    this.bars = new cliProgress.MultiBar(
      { stream, clearOnComplete: false, hideCursor: true, format: ' {label} |{bar}| {detail}', barsize: 30, fps: 10 },
      cliProgress.Presets.shades_classic,
    );
    this.overall = this.bars.create(expectedItems ?? 1, 0, { label: 'total'.padEnd(16), detail: '' });
  }

  itemStarted(name: string, expectedBytes: number | undefined): void {
    this.item?.stop();
    if (this.item) this.bars.remove(this.item);
    this.item = this.bars.create(expectedBytes && expectedBytes > 0 ? expectedBytes : 1, 0, { label: name.slice(0, 16).padEnd(16), detail: '' });
  }

  itemProgress(_name: string, bytes: number, totalBytes: number): void {
    const known = this.item && this.item.getTotal() > 1;
    this.item?.update(known ? bytes : 0, { detail: `${mib(bytes)} MiB` });
    this.overall.update(this.itemsDone, { detail: `${this.itemsDone}${this.expectedItems ? `/${this.expectedItems}` : ''} items, ${mib(totalBytes)} MiB` });
  }

  itemFinished(line: string): void {
    this.itemsDone++;
    if (!this.expectedItems) this.overall.setTotal(this.itemsDone);
    this.overall.update(this.itemsDone);
    this.bars.log(`${line}\n`);
  }

  note(line: string): void {
    this.bars.log(`${line}\n`);
  }

  stop(): void {
    // cli-progress writes logged lines on its next redraw: force one so none are lost.
    this.bars.update();
    this.bars.stop();
  }
}

/** Plain lines when the output is not a terminal (CI, pipes, files). */
class LineProgressView implements ProgressView {
  constructor(private readonly write: (line: string) => void) {}
  itemStarted(): void {}
  itemProgress(): void {}
  itemFinished(line: string): void {
    this.write(line);
  }
  note(line: string): void {
    this.write(line);
  }
  stop(): void {}
}

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
export function createProgressView(options: { json: boolean; expectedItems?: number; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream }): ProgressView {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  if (options.json) return new SilentProgressView((line) => stderr.write(`${line}\n`));
  if (stdout.isTTY) return new TerminalProgressView(stdout, options.expectedItems);
  return new LineProgressView((line) => stdout.write(`${line}\n`));
}
