import { serveRows } from '../suites/serve.mjs';
// The Markdown table `npm run bench` prints: one line per figure.

const fmt = (x, digits = 3) => (typeof x === 'number' ? String(Number(x.toFixed(digits))) : String(x));
const pct = (s) => `p50 ${fmt(s.p50)} / p99 ${fmt(s.p99)} / max ${fmt(s.max)} ms`;

function throughputRows(t) {
  const rows = t.byChunk.map((c) => [`Throughput, ${c.chunkKiB} KiB reads`, `stack ${c.stackMBps} MB/s vs raw ${c.rawMBps} MB/s`, `ratio ${fmt(c.ratio)}`]);
  rows.push(['Throughput at USB 2.0 timing, 64 KiB', `stack ${t.atUsb2.stackMBps} MB/s vs raw ${t.atUsb2.rawMBps} MB/s`, `ratio ${fmt(t.atUsb2.ratio)}`]);
  rows.push(['Throughput ratio (worst chunk size)', `slowest stack ${t.headroom.slowestStackMBps} MB/s = ${t.headroom.timesUsb2}× USB 2.0`, `**${fmt(t.ratio)}**`]);
  return rows;
}

function cancelRows(c) {
  return [
    ['Cancel → CANCEL_IO at driver (conforming)', pct(c.notify), `n=${c.notify.n}`],
    ['Cancel → transfer settled (conforming)', pct(c.settled), `n=${c.settled.n}, ${c.conformingReportedNonConforming} reported`],
    [`Cancel → settled (ignores signal, grace ${c.graceMs} ms)`, pct(c.watchdog.settled), `${c.watchdog.nonConformingReports}/${c.watchdog.settled.n} reported non-conforming`],
    ['Transport abort of a NAK-forever read', `unlimited: ${pct(c.transportAbort.unlimited)}`, `usb2 p50 ${fmt(c.transportAbort.usb2.p50)} ms`],
  ];
}

function memoryRows(m) {
  return [[`Memory, ${m.totalMiB} MiB / 100 items to disk`, `peak RSS ${m.peakRssMiB} MiB (+${m.rssGrowthMiB}), heap growth ${m.heapGrowthMiB} MiB`, `${m.transferSeconds} s, ${m.throughputMBps} MB/s (CPU user ${m.cpuSeconds.user} s / sys ${m.cpuSeconds.system} s)`]];
}

function scaleRows(s) {
  const rows = s.byDevices.map((d) => [
    `Scale, ${d.devices} device(s) at once`,
    `aggregate ${d.aggregateMBps} MB/s, Jain ${fmt(d.jainFairness, 4)}`,
    d.cancelOne ? `cancel one: ${d.cancelOne.othersCompleted}/${d.cancelOne.others} others complete, ${d.cancelOne.othersCorruptItems} corrupt items, speed ×${fmt(d.cancelOne.othersThroughputVsBaseline.median)}` : '—',
  ]);
  const u = s.cancelOneAtUsb2;
  rows.push(['Scale, cancel one of 4 at USB 2.0 timing', `${u.othersCompleted}/${u.others} others complete, ${u.othersCorruptItems} corrupt items`, `others' speed ×${fmt(u.othersThroughputVsBaseline.median)} of baseline`]);
  return rows;
}

function saneRows(s) {
  if (s.skipped) return [['SANE side by side', `skipped: ${s.skipped}`, '']];
  const o = s.openwia;
  const ow = (get) => (o.skipped ? `openwia: skipped` : get(o));
  return [
    [`SANE vs OpenWIA, 10 pages, no delay (whole process)`, `scanimage ${s.scanimage.noDelay.MBps} MB/s (${s.scanimage.noDelay.seconds} s, startup ${s.scanimage.startupSeconds} s, ${s.scanimage.bytesPerPage} B/page)`, ow((x) => `openwia ${x.noDelay.MBps} MB/s (${x.noDelay.seconds} s, startup ${x.startupSeconds} s, ${x.bytesPerPage} B/page)`)],
    [`SANE vs OpenWIA, 10 pages, read delay ${s.scanimage.withReadDelay.delayPerPageMs} ms/page`, `scanimage ${s.scanimage.withReadDelay.MBps} MB/s (${s.scanimage.withReadDelay.seconds} s)`, ow((x) => `openwia ${x.withReadDelay.MBps} MB/s (${x.withReadDelay.seconds} s)`)],
    ['SIGINT mid-scan → process exit', `scanimage median ${s.scanimage.sigintToExitMs.median} ms (max ${s.scanimage.sigintToExitMs.max})`, ow((x) => `openwia median ${x.sigintToExitMs.median} ms (max ${x.sigintToExitMs.max})`)],
    ...(o.skipped ? [['OpenWIA side', o.skipped, '']] : []),
  ];
}

function reliabilityRows(r) {
  const rows = [['Property suite speed', `${r.propertyRate.schedulesPerSecond} schedules/s checked`, `${r.propertyRate.violations} violations`]];
  const f = r.fuzz;
  rows.push([`Fuzz (${f.seconds} s in this run)`, `${f.cases} cases: ${f.targets.filter((t) => !t.skipped).map((t) => `${t.target} ${t.cases}`).join(', ')}`, `${f.violations} violations, ${f.crashes} crashes, ${f.hangs} hangs, ${f.leaks} leaks`]);
  if (r.lastLongFuzz) rows.push([`Last \`npm run fuzz\` (${r.lastLongFuzz.seconds} s, ${r.lastLongFuzz.ranAt})`, `${r.lastLongFuzz.cases} cases`, `${r.lastLongFuzz.violations} violations, ${r.lastLongFuzz.crashes} crashes, ${r.lastLongFuzz.hangs} hangs, ${r.lastLongFuzz.leaks} leaks`]);
  return rows;
}

/** The whole table. */
export function resultTable(results) {
  const rows = [];
  if (results.throughput) rows.push(...throughputRows(results.throughput));
  if (results.cancelLatencyMs) rows.push(...cancelRows(results.cancelLatencyMs));
  if (results.memory) rows.push(...memoryRows(results.memory));
  if (results.scale) rows.push(...scaleRows(results.scale));
  if (results.sane) rows.push(...saneRows(results.sane));
  if (results.serve) rows.push(...serveRows(results.serve));
  if (results.reliability) rows.push(...reliabilityRows(results.reliability));
  const e = results.environment;
  const lines = [`OpenWIA bench — ${e.cpu}, ${e.cores} cores, ${e.memoryGiB} GiB, ${e.os}, Node ${e.node}, commit ${e.commit ?? '?'}`, '', '| figure | measured | result |', '| --- | --- | --- |'];
  for (const [a, b, c] of rows) lines.push(`| ${a} | ${b} | ${c} |`);
  return lines.join('\n');
}
