// Side by side with SANE: (a) a 10-page feeder batch, same pages and about
// the same bytes, with no read delay and with an equal read delay, and (b)
// the time from SIGINT during a long scan to the process's exit — for
// `scanimage -d test` and for `openwia acquire sim:scanner`.
import { median } from '../lib/stats.mjs';
import { openWiaBatch, openWiaSigint, openWiaStartupMs, openWiaUnavailable } from '../sane/openwia-cli.mjs';
import { SAME_PAGE, SANE_TEST_FEEDER_SHEETS, findScanimage, pagePixels, scanimageBatch, scanimageSigint, scanimageStartupMs } from '../sane/scanimage.mjs';

const PAGES = SANE_TEST_FEEDER_SHEETS;
/** scanimage's pause after every buffer (~64 KiB) in the delayed runs, in µs. */
const READ_DELAY_US = 5000;
/** The longer pause of the SIGINT runs, so that the scan is long enough to interrupt mid-page. */
const SIGINT_READ_DELAY_US = 20_000;

/** MB/s to three significant digits: openwia's PNG pages are a few KB, so a fixed decimal would print 0. */
const mbps = (r) => Number((r.bytes / 1e3 / r.ms).toPrecision(3));
/** Megapixels per second: the fair rate when both sides scan the same pixels but encode them differently (PNM, PNG). */
const mpxps = (r, pixelsPerPage) => Number(((r.pages * pixelsPerPage) / 1e3 / r.ms).toFixed(2));

/** Median of `times` runs of a batch (by time). */
async function medianBatch(times, run) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await run());
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)];
}

/** The SANE figures; `delayPerPageMs` is what scanimage's read delay adds per page (the OpenWIA side gets the same). */
async function measureScanimage(geometry, repeats, pixels) {
  const plain = await medianBatch(repeats, () => scanimageBatch({ pages: PAGES, geometry }));
  const delayed = await medianBatch(repeats, () => scanimageBatch({ pages: PAGES, geometry, readDelayUs: READ_DELAY_US }));
  const delayPerPageMs = Math.max(0, (delayed.ms - plain.ms) / PAGES);
  const longPageMs = (delayPerPageMs * SIGINT_READ_DELAY_US) / READ_DELAY_US;
  const sigint = [];
  for (let i = 0; i < repeats; i++) sigint.push(await scanimageSigint({ geometry, readDelayUs: SIGINT_READ_DELAY_US, pageMs: longPageMs }));
  return {
    bytesPerPage: Math.round(plain.bytes / PAGES),
    startupSeconds: Number(((await scanimageStartupMs()) / 1000).toFixed(3)),
    noDelay: { seconds: Number((plain.ms / 1000).toFixed(3)), MBps: mbps(plain), Mpxps: mpxps(plain, pixels.width * pixels.height) },
    withReadDelay: { readDelayUsPerBuffer: READ_DELAY_US, delayPerPageMs: Number(delayPerPageMs.toFixed(1)), seconds: Number((delayed.ms / 1000).toFixed(3)), MBps: mbps(delayed) },
    sigintToExitMs: { median: Number(median(sigint.map((s) => s.sigintToExitMs)).toFixed(1)), max: Number(Math.max(...sigint.map((s) => s.sigintToExitMs)).toFixed(1)), runs: sigint.length, exits: [...new Set(sigint.map((s) => s.exit))], stoppedCleanly: sigint.filter((s) => s.stoppedCleanly).length },
    delayPerPageMs,
    longPageMs,
  };
}

/** The OpenWIA figures, the same way (isolated: the CLI's `acquire` decides whether it can run). */
async function measureOpenWia({ delayPerPageMs, longPageMs }, repeats, pixels) {
  const why = await openWiaUnavailable();
  if (why) return { skipped: why };
  const plain = await medianBatch(repeats, () => openWiaBatch({ pages: PAGES, pixels }));
  const delayed = await medianBatch(repeats, () => openWiaBatch({ pages: PAGES, pixels, scanDelayMs: Math.round(delayPerPageMs) }));
  const sigint = [];
  for (let i = 0; i < repeats; i++) sigint.push(await openWiaSigint({ pages: PAGES, pixels, scanDelayMs: Math.round(longPageMs), pageMs: longPageMs }));
  return {
    bytesPerPage: Math.round(plain.bytes / plain.pages),
    startupSeconds: Number(((await openWiaStartupMs()) / 1000).toFixed(3)),
    noDelay: { seconds: Number((plain.ms / 1000).toFixed(3)), MBps: mbps(plain), Mpxps: mpxps(plain, pixels.width * pixels.height) },
    withReadDelay: { scanDelayMsPerPage: Math.round(delayPerPageMs), seconds: Number((delayed.ms / 1000).toFixed(3)), MBps: mbps(delayed) },
    sigintToExitMs: { median: Number(median(sigint.map((s) => s.sigintToExitMs)).toFixed(1)), max: Number(Math.max(...sigint.map((s) => s.sigintToExitMs)).toFixed(1)), runs: sigint.length, exits: [...new Set(sigint.map((s) => s.exit))], stoppedCleanly: sigint.filter((s) => s.stoppedCleanly).length },
  };
}

/**
 * @param {{ quick?: boolean, installSane?: boolean, bytesPerPage?: number }} options
 */
export async function measureSane({ quick = false, installSane = false } = {}) {
  const found = await findScanimage({ install: installSane });
  if (found.skipped) return { skipped: found.skipped, openwia: { skipped: (await openWiaUnavailable()) ?? 'scanimage missing: nothing to compare with' } };
  const repeats = quick ? 1 : 3;
  // Both sides scan the same page: same size, resolution and mode, so the same pixels.
  const geometry = { widthMm: SAME_PAGE.widthMm, heightMm: SAME_PAGE.heightMm };
  const pixels = pagePixels(geometry);
  const { delayPerPageMs, longPageMs, ...scanimage } = await measureScanimage(geometry, repeats, pixels);
  return {
    method: `${PAGES}-page feeder batch, whole process timed (startup included, and given on its own as startupSeconds); the same page on both sides: gray 8-bit, 300 dpi, ${geometry.widthMm}×${geometry.heightMm} mm = ${pixels.width}×${pixels.height} pixels — scanimage -d test writes it as PNM, openwia acquire sim:scanner (WIA_IPA_DATATYPE=2, extents in pixels) as PNG rendered and deflated by the virtual scanner, so compare Mpx/s rather than MB/s; read delay: scanimage --read-delay-duration=${READ_DELAY_US} µs per buffer, the OpenWIA scanner the same total per page; SIGINT half a page into page 2 of a scan delayed ${SIGINT_READ_DELAY_US} µs per buffer, ${repeats} run(s), median`,
    scanimageVersion: found.version,
    scanimage,
    pixelsPerPage: pixels,
    openwia: await measureOpenWia({ delayPerPageMs, longPageMs }, repeats, pixels),
  };
}
