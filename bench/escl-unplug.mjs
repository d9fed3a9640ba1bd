#!/usr/bin/env node
// Unplugs a virtual eSCL scanner at random points of a feeder scan, in both
// orders a real detach can take (the device manager's notifyDisconnected
// first, or the bus first), and tallies the outcomes: every one must be
// WIA_ERROR_OFFLINE (or completed, when the unplug point lies past the scan).
//
//   node bench/escl-unplug.mjs [--runs 200] [--seed N]
import { parseArgs } from 'node:util';
import { WIA_ERROR_OFFLINE, WIA_TRANSFER_ACQUIRE_CHILDREN, WiaDevice, hresultName } from '@openwia/core';
import { EsclScannerDriver } from '@openwia/device-plugins/escl';
import { createVirtualScanner } from '@openwia/testkit';
import { seededRandom } from './lib/seeded-random.mjs';
import { countingApp } from './lib/counting-app.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, seed: { type: 'string' } } });
const firstSeed = Number(values.seed ?? Date.now() % 2 ** 31);
const random = seededRandom(firstSeed);

async function run() {
  const scanner = createVirtualScanner({ maxWidth: 600, maxHeight: 800, resolutions: [150], feederSheets: 3, chunkSize: 1024 });
  const driver = new EsclScannerDriver(scanner.device.createTransport());
  const device = await WiaDevice.open(driver, { deviceId: 'unplug', graceMs: 500 });
  const managerFirst = random() < 0.5;
  const at = Math.floor(random() * 60_000);
  const notify = () => device.notifyDisconnected();
  let seen = 0;
  let done = false;
  const onBytes = (n) => {
    seen += n;
    if (managerFirst && !done && seen >= at) {
      done = true;
      void notify().then(() => scanner.device.unplug());
    }
  };
  if (!managerFirst) {
    scanner.device.faults.unplugAfterBytes(at);
    scanner.device.events.once('unplug', () => void notify());
  }
  const report = await device.createTransfer('Root\\Feeder').transfer('download', WIA_TRANSFER_ACQUIRE_CHILDREN, countingApp({ onBytes }));
  await device.close();
  return `${managerFirst ? 'manager-first' : 'bus-first'} ${report.outcome}:${hresultName(report.hresult)}`;
}

const tally = {};
const runs = Number(values.runs);
for (let i = 0; i < runs; i++) {
  const label = await run();
  tally[label] = (tally[label] ?? 0) + 1;
}
const wrong = Object.entries(tally).filter(([k]) => !k.endsWith('failed:WIA_ERROR_OFFLINE') && !k.endsWith('completed:S_OK'));
console.log(JSON.stringify({ seed: firstSeed, runs, tally, wrong: wrong.reduce((n, [, v]) => n + v, 0), verdict: wrong.length ? 'failed' : 'held' }, null, 2));
process.exitCode = wrong.length ? 1 : 0;
void WIA_ERROR_OFFLINE;
