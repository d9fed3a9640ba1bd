/**
 * App integrator example: find a scanner, acquire every page of its feeder
 * into files, with a time limit. On real hardware the backend would be
 * `await NodeUsbBackend.load()`; here it is the testkit's simulated bus with
 * the virtual eSCL scanner, which speaks the same protocol.
 *
 * Run: node examples/dist/acquire-scanner-pages.js [outDir]
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceManager, type AcquireResult } from '@openwia/core';
import { esclPlugin } from '@openwia/device-plugins/escl';
import { SimulatedUsbBus, createVirtualScanner } from '@openwia/testkit';

export async function acquireScannerPages(outDir: string, show: (text: string) => void = (text) => process.stdout.write(text)): Promise<AcquireResult> {
  const bus = new SimulatedUsbBus();
  bus.attach(createVirtualScanner({ feederSheets: 3 }).device);
  const devices = new DeviceManager({ backend: bus, plugins: [esclPlugin] });
  await devices.start();
  try {
    const scanner = devices.devices().find((d) => d.plugin === 'escl')?.device;
    if (!scanner) throw new Error('no scanner found');
    await mkdir(outDir, { recursive: true });
    return await scanner.acquire('Root\\Feeder', {
      signal: AbortSignal.timeout(60_000),
      destination: (page) => createWriteStream(join(outDir, `${page.itemName}.jpg`)),
      onProgress: (p) => show(`\r${p.item.itemName}: ${p.itemBytes} bytes`),
    });
  } finally {
    await devices.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await acquireScannerPages(process.argv[2] ?? 'scans');
  console.log(`\n${result.outcome}: ${result.items.map((i) => `${i.itemName} ${i.status}`).join(', ')}`);
}
