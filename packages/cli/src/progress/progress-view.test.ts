import { expect } from 'chai';
import { Writable } from 'node:stream';
import { LINE_PROGRESS_INTERVAL_MS, LineProgressView, TerminalProgressView } from './progress-view.js';

/** A terminal that keeps what was drawn on it, without the cursor movements. */
class RecordingTerminal extends Writable {
  readonly isTTY = true;
  readonly columns = 160;
  text = '';
  override _write(chunk: Buffer, _e: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  cursorTo(_x: number, _y?: number | (() => void), cb?: () => void): boolean {
    cb?.();
    return true;
  }
  moveCursor(_dx: number, _dy: number, cb?: () => void): boolean {
    cb?.();
    return true;
  }
  clearLine(_dir: number, cb?: () => void): boolean {
    cb?.();
    return true;
  }
  clearScreenDown(cb?: () => void): boolean {
    cb?.();
    return true;
  }
  /** The last frame drawn of the bar whose label is `label`. */
  lastFrame(label: string): string {
    const lines = this.text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '\n').split(/[\r\n]/).filter((l) => l.includes(label));
    return lines.at(-1)?.trim() ?? '';
  }
}

describe('the terminal progress view', () => {
  let clock = 0;
  const now = (): number => clock;

  it('camera: the overall bar counts items and bytes across every folder and ends on the true totals', () => {
    const terminal = new RecordingTerminal();
    const view = new TerminalProgressView(terminal, { expectedItems: 3, expectedBytes: 3_000_000 }, now);
    for (const [i, name] of ['IMG_0001.JPG', 'IMG_0002.JPG', 'MVI_0001.MOV'].entries()) {
      view.itemStarted(name, 1_000_000);
      clock += 500;
      view.itemProgress(name, 500_000, 50);
      expect(terminal.lastFrame(name)).to.match(/500\.0 kB of 1\.0 MB, 1\.0 MB\/s ETA 1s$/);
      clock += 500;
      clock += 1;
      view.itemProgress(name, 1_000_000, 100);
      view.itemFinished(`${name} transferred`, 1_000_000);
      expect(terminal.lastFrame('total')).to.include(`${i + 1}/3 items, ${i + 1}.0 MB of 3.0 MB`);
    }
    view.stop();
    expect(terminal.lastFrame("total")).to.match(/\|█+\| 3\/3 items, 3\.0 MB of 3\.0 MB, 999\.0 kB\/s ETA 0s$/);
  });

  it('scanner: pages of unknown count and size get an estimate from the driver and a final frame with every page', () => {
    const terminal = new RecordingTerminal();
    const view = new TerminalProgressView(terminal, {}, now);
    for (let page = 1; page <= 10; page++) {
      view.itemStarted(`Page${page}`, undefined);
      clock += 100;
      view.itemProgress(`Page${page}`, 25_000, 25);
      expect(terminal.lastFrame(`Page${page}`)).to.match(/25\.0 kB of ~100\.0 kB, 250\.0 kB\/s ETA 1s$/);
      view.itemFinished(`Page${page} transferred`, 100_000);
    }
    view.stop();
    expect(terminal.lastFrame('total')).to.match(/ 10 items, 1\.0 MB, /);
  });
});

describe('the plain-line progress view (output that is not a terminal)', () => {
  it('says every 10 s that the device has sent nothing, how a long item is going, and when its data stopped', () => {
    let clock = 0;
    const lines: string[] = [];
    const view = new LineProgressView((line) => lines.push(line), () => clock, LINE_PROGRESS_INTERVAL_MS, 0);
    const at = (ms: number): string[] => {
      clock = ms;
      const before = lines.length;
      view.tick();
      return lines.slice(before);
    };
    expect(at(9_999)).to.deep.equal([]);
    expect(at(10_000)).to.deep.equal(['waiting for the device: nothing from it for 10 s']);
    expect(at(15_000)).to.deep.equal([]);
    expect(at(20_000)).to.deep.equal(['waiting for the device: nothing from it for 20 s']);

    clock = 21_000;
    view.itemStarted('Page1', undefined);
    clock = 25_000;
    view.itemProgress('Page1', 1_000_000, 40);
    expect(at(30_999)).to.deep.equal([]);
    expect(at(31_000)).to.deep.equal(['Page1            1.0 MB so far, 100.0 kB/s']);
    // The same byte count again is no data.
    clock = 33_000;
    view.itemProgress('Page1', 1_000_000, 40);
    expect(at(41_000)).to.deep.equal(['Page1            waiting for the device: no data for 16 s (1.0 MB so far)']);

    clock = 42_000;
    view.itemFinished('Page1            transferred     1500000 bytes', 1_500_000);
    expect(at(50_000)).to.deep.equal([]);
    expect(at(52_000)).to.deep.equal(['waiting for the device: nothing from it for 10 s']);
    view.stop();
  });

  it('items that take less than the interval get their one line each, nothing more', () => {
    let clock = 0;
    const lines: string[] = [];
    const view = new LineProgressView((line) => lines.push(line), () => clock, LINE_PROGRESS_INTERVAL_MS, 0);
    for (let i = 1; i <= 30; i++) {
      view.itemStarted(`IMG_${i}.JPG`, 3_000_000);
      clock += 2_000;
      view.itemProgress(`IMG_${i}.JPG`, 1_500_000, 50);
      view.tick();
      clock += 2_000;
      view.itemFinished(`IMG_${i}.JPG transferred`, 3_000_000);
      view.tick();
    }
    view.stop();
    expect(lines).to.deep.equal(Array.from({ length: 30 }, (_, i) => `IMG_${i + 1}.JPG transferred`));
  });
});
