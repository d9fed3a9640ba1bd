import {
  AcquireAbortedError,
  E_INVALIDARG,
  WIA_CATEGORY_FEEDER,
  WiaError,
  hresultName,
  type AcquireResult,
  type WiaDevice,
  type WiaDrvItem,
} from '@openwia/core';
import { ItemFile } from '../output/item-file.js';
import { prepareOutputFolder, sweepStalePartials } from '../output/output-folder.js';
import { count as plural } from '../progress/measure.js';
import { createProgressView, type ProgressView } from '../progress/progress-view.js';
import { exitStatusFor, handleInterrupts, type CancelSignal } from '../session/interrupt.js';
import { announcedSize, defaultTargets, fileNameFor, findItem } from '../session/item-lookup.js';
import { parseAssignment } from './props.js';
import { printJson, withCatalog, type GlobalOptions } from './context.js';

/** Options of `openwia acquire`. */
export interface AcquireCommandOptions extends GlobalOptions {
  out: string;
  overwrite?: boolean;
  /** `NAME=VALUE` property writes applied to each target first. */
  set?: string[];
}

/** One item as the command reports it. */
interface ItemLine {
  item: string;
  status: string;
  bytes: number;
  file: string | null;
  error: string | null;
}

/** What one `acquire` run did, for the summary and `--json`. */
export interface AcquireSummary {
  device: string;
  outcome: 'completed' | 'completed-partial' | 'no-media' | 'cancelled' | 'failed';
  items: ItemLine[];
  bytes: number;
  seconds: number;
  error: string | null;
  /** The signal that cancelled the run (SIGINT or SIGTERM), if one did. */
  signal: CancelSignal | null;
  /** Partial files of an earlier, killed run that were removed from the folder first. */
  stalePartialsRemoved: string[];
}

/** Exit status for a run: 0 done, 130 cancelled by Ctrl-C (143 by SIGTERM), 1 failed. */
export function exitCodeFor(summary: Pick<AcquireSummary, 'outcome' | 'signal'>): number {
  if (summary.outcome === 'cancelled') return exitStatusFor(summary.signal ?? 'SIGINT');
  return summary.outcome === 'failed' || summary.outcome === 'no-media' ? 1 : 0;
}

/** Writes the `--set` properties to every target; the device validates them. */
async function applySettings(device: WiaDevice, targets: WiaDrvItem[], assignments: string[] | undefined): Promise<void> {
  if (!assignments?.length) return;
  for (const target of targets) await device.writeProperties(target, new Map(assignments.map((a) => parseAssignment(a, target.properties.list()))));
}

/**
 * The files of one run, by full item name, and the items a target offered
 * again after an earlier target delivered them: a folder transfer of a
 * camera storage also delivers what its sub-folders hold, and those
 * sub-folders may be targets of their own. Each item is written once.
 */
interface RunFiles {
  files: Map<string, ItemFile>;
  repeats: Set<string>;
  /** Partial files whose creation has not returned yet (a forced quit removes them too). */
  creating: Set<string>;
}

async function acquireTarget(device: WiaDevice, target: WiaDrvItem, options: AcquireCommandOptions, view: ProgressView, signal: AbortSignal, { files, repeats, creating }: RunFiles): Promise<AcquireResult> {
  try {
    return await device.acquire(target, {
      signal,
      destination: async (info) => {
        if (files.has(info.fullItemName)) {
          repeats.add(info.fullItemName);
          return 'skip';
        }
        const item = device.root.find(info.fullItemName);
        view.itemStarted(info.itemName, announcedSize(item));
        const file = await ItemFile.create(options.out, fileNameFor(info.itemName, item), { overwrite: options.overwrite ?? false, creating });
        files.set(info.fullItemName, file);
        // Report each item as soon as its file is complete, not when the whole acquisition ends.
        file.once('finish', () => view.itemFinished(itemLine(info.itemName, 'transferred', file.bytesWritten, relative(file.path)), file.bytesWritten));
        return file;
      },
      onProgress: (p) => view.itemProgress(p.item.itemName, p.itemBytes, p.itemPercent),
    });
  } catch (err) {
    if (err instanceof AcquireAbortedError) return err.result;
    throw err;
  }
}

/** A path as the user would type it: relative to the current directory when inside it. */
function relative(path: string | undefined): string | undefined {
  const cwd = process.cwd();
  return path?.startsWith(cwd) ? path.slice(cwd.length + 1) : path;
}

function itemLine(name: string, status: string, bytes: number, file: string | undefined): string {
  return `${name.padEnd(16)} ${status.padEnd(11)} ${String(bytes).padStart(10)} bytes${file ? `  → ${file}` : ''}`;
}

function lineFor(result: AcquireResult['items'][number], files: Map<string, ItemFile>): ItemLine {
  return {
    item: result.fullItemName,
    status: result.status,
    bytes: result.bytes,
    file: relative(files.get(result.fullItemName)?.path) ?? null,
    error: result.error ? `${result.error.code}: ${result.error.message}` : null,
  };
}

/** Adds one target's result to the summary; false when the run must stop (cancelled or failed). */
function record(summary: AcquireSummary, result: AcquireResult, { files, repeats }: RunFiles, view: ProgressView): boolean {
  for (const item of result.items) {
    if (repeats.has(item.fullItemName)) continue;
    summary.items.push(lineFor(item, files));
    if (item.status !== 'transferred') view.itemFinished(itemLine(item.itemName, item.status, item.bytes, undefined), 0);
  }
  summary.bytes += result.items.filter((i) => i.status === 'transferred').reduce((n, i) => n + i.bytes, 0);
  if (result.outcome !== 'completed') summary.outcome = result.outcome;
  if (result.error) summary.error = `${hresultName(result.error.hresult)}: ${result.error.message}`;
  return result.outcome !== 'cancelled' && result.outcome !== 'failed';
}

/**
 * How many items and bytes the targets will deliver, as far as the device says: a folder's
 * transferable children and their announced sizes. A feeder's page count is unknown.
 */
export function expectation(targets: WiaDrvItem[]): { expectedItems?: number; expectedBytes?: number } {
  const items: WiaDrvItem[] = [];
  for (const target of targets) {
    if (target.category === WIA_CATEGORY_FEEDER) return {};
    items.push(...(target.isFolder ? target.children.filter((c) => c.isTransferable && !c.isFolder) : [target]));
  }
  if (!items.length) return {};
  const sizes = items.map(announcedSize);
  const known = sizes.every((size) => size !== undefined);
  return { expectedItems: items.length, ...(known ? { expectedBytes: sizes.reduce((a, b) => a + (b ?? 0), 0) } : {}) };
}

/** Clears the output folder of a killed run's partial files, and says what it did. */
async function sweepFolder(out: string, say: (line: string) => void): Promise<string[]> {
  const stale = await sweepStalePartials(out);
  if (stale.removed.length) say(`openwia: removed ${stale.removed.length} partial file(s) left by an earlier run that was killed: ${stale.removed.join(', ')}`);
  if (stale.unknown.length) say(`openwia: ${relative(out)} holds partial file(s) of unknown origin, left alone: ${stale.unknown.join(', ')}`);
  return stale.removed;
}

/** Acquires every target in turn until one is cancelled or fails; every file is settled on return. */
async function acquireTargets(device: WiaDevice, targets: WiaDrvItem[], options: AcquireCommandOptions, view: ProgressView, summary: AcquireSummary): Promise<void> {
  const controller = new AbortController();
  const run: RunFiles = { files: new Map(), repeats: new Set(), creating: new Set() };
  const { files } = run;
  const interrupts = handleInterrupts(
    controller,
    (line) => view.note(line),
    () => {
      files.forEach((file) => file.removePartialSync());
      ItemFile.removeCreatingSync(run.creating);
    },
  );
  try {
    for (const target of targets) {
      if (!record(summary, await acquireTarget(device, target, options, view, controller.signal, run), run, view)) break;
    }
    // Partial files are removed as the streams close, after the transfer settled: a second
    // signal must still find the handler that removes them until then.
    await Promise.all([...files.values()].map((file) => file.settled()));
  } finally {
    summary.signal = interrupts.received ?? null;
    interrupts.dispose();
    view.stop();
  }
}

/** `openwia acquire <device> [item...]`: items to files, with progress; Ctrl-C or SIGTERM cancels. */
export async function acquireCommand(deviceId: string, itemSpecs: string[], options: AcquireCommandOptions): Promise<AcquireSummary> {
  return withCatalog(options, async (catalog) => {
    const device = catalog.device(deviceId);
    const targets = itemSpecs.length ? itemSpecs.map((s) => findItem(device, s, `openwia items ${deviceId}${catalog.flags}`)) : defaultTargets(device);
    if (!targets.length) throw new WiaError(E_INVALIDARG, `${deviceId} has nothing to acquire`);
    // Everything the user typed is checked before the disk is touched: a bad --set creates no folder.
    await applySettings(device, targets, options.set);
    const out = await prepareOutputFolder(options.out);
    const summary: AcquireSummary = { device: deviceId, outcome: 'completed', items: [], bytes: 0, seconds: 0, error: null, signal: null, stalePartialsRemoved: [] };
    summary.stalePartialsRemoved = await sweepFolder(out, (line) => process.stderr.write(`${line}\n`));
    const view = createProgressView({ json: options.json ?? false, ...expectation(targets) });
    const started = performance.now();
    await acquireTargets(device, targets, options, view, summary);
    summary.seconds = (performance.now() - started) / 1000;
    if (options.json) printJson(summary);
    else console.log(summaryLine(summary, out));
    return summary;
  }, deviceId);
}

/** The one-line summary every acquire ends with. */
export function summaryLine(s: AcquireSummary, out: string): string {
  const count = (status: string): number => s.items.filter((i) => i.status === status).length;
  const mb = s.bytes / 1e6;
  const rate = s.seconds > 0 ? ` (${(mb / s.seconds).toFixed(1)} MB/s)` : '';
  const kept = `${plural(count('transferred'), 'item')}, ${mb.toFixed(2)} MB in ${s.seconds.toFixed(2)} s${rate} from ${s.device} into ${out}`;
  const extras = [count('skipped') && `${count('skipped')} skipped`, count('failed') && `${count('failed')} failed`].filter(Boolean).join(', ');
  switch (s.outcome) {
    case 'cancelled':
      return `cancelled: kept ${kept}${count('cancelled') ? '; the partial item was removed' : ''}`;
    case 'failed':
    case 'no-media':
      return `${s.outcome === 'no-media' ? 'no media' : 'failed'}: ${s.error ?? 'unknown error'}; kept ${kept}`;
    default:
      return `acquired ${kept}${extras ? `; ${extras}` : ''}${s.outcome === 'completed-partial' ? ' (fewer pages than asked)' : ''}`;
  }
}
