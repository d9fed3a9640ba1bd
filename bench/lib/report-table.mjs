import { serveRows } from '../suites/serve.mjs';
import { shellEnv } from './node-settings.mjs';
// The Markdown table `npm run bench` prints: one line per figure.

const fmt = (x, digits = 3) => (typeof x === 'number' ? String(Number(x.toFixed(digits))) : String(x));
const pct = (s) => `p50 ${fmt(s.p50)} / p99 ${fmt(s.p99)} / max ${fmt(s.max)} ms`;

function throughputRows(t) {
  const rows = t.byChunk.map((c) => [
    `Throughput, ${c.chunkKiB} KiB reads`,
    `stack ${c.stackMBps} MB/s vs fair raw ${c.rawMBps} MB/s (bare raw ${c.bareMBps ?? '?'} MB/s)`,
    `ratio ${fmt(c.ratio)}${c.ratioInterquartile ? ` (IQR ${c.ratioInterquartile.join("–")}${c.ratioConfidence90 ? `; 90 % CI ${c.ratioConfidence90.join('–')}` : ''})` : ""}; vs bare ${fmt(c.ratioVsBare ?? NaN)}${c.controlRatio !== undefined ? `; control (fair ÷ fair) ${fmt(c.controlRatio)} (IQR ${c.controlRatioInterquartile.join('–')})` : ''}${c.cpuRatio !== undefined ? `; CPU ratio ${fmt(c.cpuRatio)} (IQR ${c.cpuRatioInterquartile.join('–')}), vs bare ${fmt(c.cpuRatioVsBare)}` : ''}`,
  ]);
  if (t.steady) {
    const ci = (range) => (range ? ` [90 % CI ${range.join('–')}]` : '');
    const steady = t.steady.byChunk.map((c) => `${c.chunkKiB} KiB ${fmt(c.ratio)}${ci(c.ratioConfidence90)} (${c.stackMBps} vs ${c.rawMBps} MB/s${c.controlRatio !== undefined ? `; control ${fmt(c.controlRatio)}${ci(c.controlRatioConfidence90)}` : ''})`).join(', ');
    rows.push([`Throughput in a steady process (${t.steady.nodeFlags.join(' ')}, malloc tuned${t.steady.sampling?.minSampleMs === 0 ? `, ${t.steady.rounds} rounds of one transfer` : ''})`, steady, `worst ratio ${fmt(t.steady.ratio)}`]);
  }
  if (t.jitWarmUp) {
    const { first, last } = t.jitWarmUp.oneItemUs;
    rows.push([
      `One-item 64 KiB transfer, cold → optimised (first → last of ${t.jitWarmUp.transfers} per task, before measuring)`,
      `stack ${first.stack} → ${last.stack} µs, fair raw ${first.fair} → ${last.fair} µs`,
      'cold: what a short-lived process pays per transfer',
    ]);
  }
  for (const [where, m] of [['', t], [' (steady process)', t.steady]]) {
    if (!m) continue;
    if (!m.fixedCosts) {
      rows.push([`Where the stack's extra time goes${where}`, 'not split in a --quick run (its few rounds give differences smaller than their noise)', '—']);
      continue;
    }
    const { fixedCosts: warm, coldFixedCosts: cold } = m;
    const churnMiB = cold.churnBytesPerItem / (1024 * 1024);
    const controlUs = Math.max(...warm.controlGapUs.map(Math.abs), ...cold.controlGapUs.map(Math.abs));
    // Where the stack is slower: how much of that gap its fixed work explains with warm and with churned caches.
    const slower = m.byChunk.filter((c) => c.gapUs > 0);
    const shares = slower.map((c) => `${c.chunkKiB} KiB ${c.gapUs} µs (${Math.round(c.fixedShareOfGap * 100)} % / ${Math.round(c.coldFixedShareOfGap * 100)} %)`);
    const faster = m.byChunk.filter((c) => c.gapUs <= 0).map((c) => `${c.chunkKiB} KiB`);
    rows.push([
      `Where the stack's extra time goes${where}`,
      `fixed costs a transfer + an item: warm ${warm.perTransferUs} + ${warm.perItemUs} µs; cold (${churnMiB} MiB of cache traffic before each item) ${cold.perTransferUs} + ${cold.perItemUs} µs; control ±${controlUs} µs`,
      `${shares.length ? `gap a transfer (warm / cold fixed costs' share): ${shares.join(', ')}` : 'no chunk size slower than the fair loop'}${faster.length ? `; ${faster.join(', ')}: the stack is faster` : ''}`,
    ]);
  }
  for (const [where, m] of [['', t], [' (steady process)', t.steady]]) {
    if (!m?.goals) continue;
    const told = m.goals.map((g) => `${g.goal}: ${g.met ? 'met' : '**not met**'} (${g.measured}${g.confidence90 ? `, 90 % CI ${g.confidence90.join('–')}` : ''})`);
    rows.push([`Throughput goals (issue 12)${where}`, told.join('; '), `${m.goals.filter((g) => g.met).length} of ${m.goals.length} met`]);
  }
  rows.push(['Throughput at USB 2.0 timing, 64 KiB', `stack ${t.atUsb2.stackMBps} MB/s vs fair raw ${t.atUsb2.rawMBps} MB/s`, `ratio ${fmt(t.atUsb2.ratio)}`]);
  rows.push(['Throughput ratio (worst chunk size)', `slowest stack ${t.headroom.slowestStackMBps} MB/s = ${t.headroom.timesUsb2}× USB 2.0`, `**${fmt(t.ratio)}**`]);
  return rows;
}

function cancelRows(c) {
  const quiet = c.withoutContextSwitch;
  return [
    ...(quiet
      ? [[`Cancel → settled, samples without an involuntary context switch`, pct(quiet.settled), `n=${quiet.settled.n}; ${c.samplesWithContextSwitch}/${c.settled.n} samples saw one`]]
      : []),
    ['Cancel → CANCEL_IO at driver (conforming)', pct(c.notify), `n=${c.notify.n}`],
    ['Cancel → transfer settled (conforming)', pct(c.settled), `n=${c.settled.n}, ${c.conformingReportedNonConforming} reported`],
    [`Cancel → settled (ignores signal, grace ${c.graceMs} ms)`, pct(c.watchdog.settled), `${c.watchdog.nonConformingReports}/${c.watchdog.settled.n} reported non-conforming`],
    ['Transport abort of a NAK-forever read', `unlimited: ${pct(c.transportAbort.unlimited)}`, `usb2 p50 ${fmt(c.transportAbort.usb2.p50)} ms`],
  ];
}

function memoryRows(m) {
  return [[`Memory, ${m.totalMiB} MiB / 100 items to disk`, `peak RSS ${m.peakRssMiB} MiB (+${m.rssGrowthMiB}), heap growth ${m.heapGrowthMiB} MiB`, `${m.transferSeconds} s, ${m.throughputMBps} MB/s (CPU user ${m.cpuSeconds.user} s / sys ${m.cpuSeconds.system} s)`]];
}

/** The stack's own CPU at the largest device count, the same words for every process it was measured in. */
const stackOwnCpuText = (own) => `${fmt(own.msPerMB)} ms CPU/MB beyond the raw loop = ${Math.round(own.coreShareAtSoloRate * 100)} % of one core with every device at its solo rate`;

function scaleRows(s) {
  const rows = s.byDevices.map((d) => [
    `Scale, ${d.devices} device(s) at once`,
    `aggregate ${d.aggregateMBps} MB/s, Jain ${fmt(d.jainFairness, 4)}${d.cpuMsPerMB !== undefined ? `, ${fmt(d.cpuMsPerMB)} ms CPU/MB, ELU ${fmt(d.elu, 2)}` : ''}`,
    d.cancelOne ? `cancel one: ${d.cancelOne.othersCompleted}/${d.cancelOne.others} others complete, ${d.cancelOne.othersCorruptItems} corrupt items, speed ×${fmt(d.cancelOne.othersThroughputVsBaseline.median)}` : '—',
  ]);
  const limit = s.inMemoryStopsScalingAt;
  if (limit) {
    const peak = limit.peak ?? limit;
    rows.push(['Scale in memory: one event loop', `aggregate peaks at ${peak.aggregateMBps} MB/s with ${peak.devices} device(s)`, limit.stillScaling ? 'still scaling at the largest count' : `no gain of 5 % past ${limit.devices} device(s) (${limit.aggregateMBps} MB/s)`]);
  }
  const u = s.atUsb2;
  if (u) {
    for (const d of u.byDevices) {
      rows.push([
        `Scale at USB 2.0 timing, ${d.devices} devices`,
        `per device ${d.perDeviceMBps} MB/s (solo ${u.soloMBps}), aggregate ${d.aggregateMBps} MB/s; ${fmt(d.cpuMsPerMB)} ms CPU/MB, ELU ${fmt(d.elu, 2)}`,
        `stack ×${fmt(d.vsSolo.median)} of solo (IQR ${d.vsSolo.interquartile.join('–')}; slowest device ×${fmt(d.vsSolo.worstDevice)}); raw loop ×${fmt(d.rawVsSolo.median)} of its solo (IQR ${d.rawVsSolo.interquartile.join('–')}); stack ÷ raw ${fmt(d.stackVsRaw)}`,
      ]);
    }
    rows.push(['Scale at USB 2.0 timing: where one event loop stops', `every device keeps ≥ 97 % of solo up to ${u.keepsSoloUpTo} devices (raw loop: ${u.rawKeepsSoloUpTo})`, `one core would carry ${u.oneCoreLimit.MBps} MB/s = ${u.oneCoreLimit.devicesAtSoloRate} devices at solo rate`]);
    if (u.stackOwnCpu) rows.push([`Scale at USB 2.0 timing: the stack's own CPU at ${u.stackOwnCpu.devices} devices`, stackOwnCpuText(u.stackOwnCpu), '(its CPU/MB less the raw loop\'s on the same simulated devices)']);
    const c = u.cancelOneOf32;
    rows.push(['Scale, cancel one of 32 at USB 2.0 timing', `${c.othersCompleted}/${c.others} others complete, ${c.othersCorruptItems} corrupt items`, `others' speed ×${fmt(c.othersThroughputVsBaseline.median)} of baseline`]);
  }
  for (const y of [s.atUsb2SmallYoungGeneration, s.atUsb2Tuned]) {
    if (!y) continue;
    const counts = y.byDevices.map((d) => d.devices).join('/');
    const command = [shellEnv(y.env), 'node', ...y.nodeFlags].filter(Boolean).join(' ');
    rows.push([
      `Scale at USB 2.0 timing with \`${command}\`, ${counts} devices`,
      `stack ×solo ${y.byDevices.map((d) => fmt(d.vsSolo.median)).join(' / ')}; raw loop ×solo ${y.byDevices.map((d) => fmt(d.rawVsSolo.median)).join(' / ')}; ${fmt(y.byDevices.at(-1).cpuMsPerMB)} ms CPU/MB at ${y.byDevices.at(-1).devices}${y.stackOwnCpu ? `; the stack's own: ${stackOwnCpuText(y.stackOwnCpu)}` : ''}`,
      `every device keeps ≥ 97 % of solo up to ${y.keepsSoloUpTo} devices (raw loop: ${y.rawKeepsSoloUpTo}); cancel one of 32: ${y.cancelOneOf32.othersCompleted}/${y.cancelOneOf32.others} others complete`,
    ]);
  }
  return rows;
}

function saneRows(s) {
  if (s.skipped) return [['SANE side by side', `skipped: ${s.skipped}`, '']];
  const o = s.openwia;
  const ow = (get) => (o.skipped ? `openwia: skipped` : get(o));
  return [
    [`SANE vs OpenWIA, 10 pages${s.pixelsPerPage ? ` of ${s.pixelsPerPage.width}×${s.pixelsPerPage.height} gray 8-bit` : ''}, no delay (whole process)`, `scanimage ${s.scanimage.noDelay.Mpxps ?? '?'} Mpx/s, ${s.scanimage.noDelay.MBps} MB/s (${s.scanimage.noDelay.seconds} s, startup ${s.scanimage.startupSeconds} s, ${s.scanimage.bytesPerPage} B/page)`, ow((x) => `openwia ${x.noDelay.Mpxps ?? '?'} Mpx/s, ${x.noDelay.MBps} MB/s (${x.noDelay.seconds} s, startup ${x.startupSeconds} s, ${x.bytesPerPage} B/page)`)],
    [`SANE vs OpenWIA, 10 pages, read delay ${s.scanimage.withReadDelay.delayPerPageMs} ms/page`, `scanimage ${s.scanimage.withReadDelay.MBps} MB/s (${s.scanimage.withReadDelay.seconds} s)`, ow((x) => `openwia ${x.withReadDelay.MBps} MB/s (${x.withReadDelay.seconds} s)`)],
    ['SIGINT mid-scan → process exit', `scanimage median ${s.scanimage.sigintToExitMs.median} ms (max ${s.scanimage.sigintToExitMs.max}), exit ${s.scanimage.sigintToExitMs.exits.join('/')}, ${s.scanimage.sigintToExitMs.stoppedCleanly ?? '?'}/${s.scanimage.sigintToExitMs.runs} cancelled cleanly`, ow((x) => `openwia median ${x.sigintToExitMs.median} ms (max ${x.sigintToExitMs.max}), exit ${x.sigintToExitMs.exits.join('/')}, ${x.sigintToExitMs.stoppedCleanly ?? '?'}/${x.sigintToExitMs.runs} cancelled cleanly`)],
    ...(o.skipped ? [['OpenWIA side', o.skipped, '']] : []),
  ];
}

function startupRows(s) {
  const start = Object.entries(s.startToExit).map(([name, f]) => [`Start to exit: \`${name}\``, `median ${f.medianMs} ms (max ${f.maxMs}, ${f.runs} runs)`, `${f.timesBareNode}× node -e 0`]);
  const clean = (f) =>
    (f.stoppedCleanly === undefined ? '' : `, ${f.stoppedCleanly}/${f.runs} stopped cleanly`) +
    (f.exitStatuses ? ` (${f.exitStatuses.join(', ')}; signal handled ${f.signalHandled}/${f.runs})` : '');
  const stop = Object.entries(s.sigintToExit).map(([name, f]) => [`SIGINT → exit: ${name}`, `median ${f.medianMs} ms (max ${f.maxMs}), exit ${f.exits.join('/')}${clean(f)}`, `${f.overBareNodeMs >= 0 ? '+' : ''}${f.overBareNodeMs} ms vs bare Node`]);
  const goals = s.goalsMet ? [['Start-up goals (issue 14)', Object.entries(s.goalsMet).map(([goal, met]) => `${goal}: ${met ? 'met' : 'not met'}`).join(', '), s.goals]] : [];
  return [...start, ...stop, ...goals];
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
  if (results.startup) rows.push(...startupRows(results.startup));
  if (results.serve) rows.push(...serveRows(results.serve));
  if (results.reliability) rows.push(...reliabilityRows(results.reliability));
  const e = results.environment;
  const lines = [`OpenWIA bench — ${e.cpu}, ${e.cores} cores, ${e.memoryGiB} GiB, ${e.os}, Node ${e.node}, commit ${e.commit ?? '?'}`, '', '| figure | measured | result |', '| --- | --- | --- |'];
  for (const [a, b, c] of rows) lines.push(`| ${a} | ${b} | ${c} |`);
  return lines.join('\n');
}
