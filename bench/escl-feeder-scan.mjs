// A 10-page feeder job through the eSCL plugin on the virtual scanner, and a
// cancel in the middle of page 5: throughput, and how long the cancel takes to
// settle (abort + DELETE + drain + idle). Run after `npx tsc -b`:
//   node bench/escl-feeder-scan.mjs [usb2|unlimited] [dpi]
import { Writable } from 'node:stream';
import { S_OK, WIA_IPS_XRES, WIA_TRANSFER_ACQUIRE_CHILDREN, WiaDevice } from '@openwia/core';
import { createVirtualScanner } from '@openwia/testkit';
import { EsclScannerDriver } from '@openwia/device-plugins/escl';

const speed = process.argv[2] ?? 'usb2';
const dpi = Number(process.argv[3] ?? 300);

async function open() {
  const scanner = createVirtualScanner({ feederSheets: 10, usb: { speed }, jpegQuality: 95 });
  const device = await WiaDevice.open(new EsclScannerDriver(scanner.device.createTransport()), { deviceId: 'bench' });
  await device.writeProperties(device.item('Root\\Feeder'), new Map([[WIA_IPS_XRES, dpi]]));
  return { scanner, device };
}

function app(onChunk = () => {}) {
  let bytes = 0;
  return {
    get bytes() { return bytes; },
    TransferCallback: () => S_OK,
    GetNextStream: (_f, name) => ({ hr: S_OK, stream: new Writable({ write(chunk, _e, cb) { bytes += chunk.length; onChunk(name, chunk); cb(); } }) }),
  };
}

{
  const { device } = await open();
  const a = app();
  const t0 = performance.now();
  await device.createTransfer('Root\\Feeder').Download(WIA_TRANSFER_ACQUIRE_CHILDREN, a);
  const ms = performance.now() - t0;
  console.log(`10 pages at ${dpi} dpi over ${speed}: ${(a.bytes / 1e6).toFixed(2)} MB in ${ms.toFixed(0)} ms (${(a.bytes / 1e3 / ms).toFixed(1)} MB/s, page rendering included)`);
  await device.close();
}
{
  const { device, scanner } = await open();
  const transfer = device.createTransfer('Root\\Feeder');
  let cancelAt;
  const a = app((name) => {
    if (name === 'Page5' && cancelAt === undefined) {
      cancelAt = performance.now();
      transfer.Cancel();
    }
  });
  const hr = await transfer.Download(WIA_TRANSFER_ACQUIRE_CHILDREN, a);
  console.log(`cancel mid-page 5: settled in ${(performance.now() - cancelAt).toFixed(1)} ms (hr ${hr}), scanner ${scanner.control.state}, job ${scanner.control.jobs[0].state}`);
  await device.close();
}
