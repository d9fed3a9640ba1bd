// A child process for silent-camera.test.ts: one scenario of a camera that stops
// answering, run with nothing else keeping the event loop alive — as in the CLI.
// Prints one JSON line with the outcome; an exit with no line means the command
// never settled (the event loop ran dry).
import { WiaDevice, WiaError } from '@openwia/core';
import { createVirtualCamera, type VirtualCamera } from '@openwia/testkit';
import { PtpOperation } from '../ptp-codes.js';
import { PtpCameraDriver } from '../ptp-camera-driver.js';
import { MemorySink } from './camera-rig.js';

/** The scenarios, by name: each arms a fault on the camera before (`atOpen`) or after the device is open. */
const SCENARIOS: Record<string, { atOpen: boolean; arm(camera: VirtualCamera): void }> = {
  'silent-at-open': { atOpen: true, arm: (camera) => camera.device.faults.nakForever(camera.endpoints.bulkIn) },
  'silent-during-get-object': { atOpen: false, arm: (camera) => camera.control.faults.arm('holdData') },
  'object-info-longer-than-announced': {
    atOpen: true,
    arm: (camera) =>
      camera.control.faults.mutateNext('data', (container) => {
        // The length field keeps the old size; what follows looks like the start of another container that never comes.
        const longer = new Uint8Array(container.length + 12);
        longer.set(container);
        new DataView(longer.buffer).setUint32(container.length, 4096, true);
        new DataView(longer.buffer).setUint16(container.length + 4, 2, true);
        return longer;
      }, PtpOperation.GetObjectInfo),
  },
};

function describeError(err: unknown): { hresult?: number; name: string } {
  return err instanceof WiaError ? { hresult: err.hresult, name: err.name } : { name: String(err) };
}

async function run(name: string): Promise<object> {
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`no scenario ${name}`);
  const camera = createVirtualCamera({ photos: 1 });
  if (scenario.atOpen) scenario.arm(camera);
  const driver = new PtpCameraDriver(camera.device.createTransport(), { ioTimeoutMs: 200, recovery: { drainQuietMs: 10, pollIntervalMs: 1 } });
  let device: WiaDevice;
  try {
    device = await WiaDevice.open(driver, { deviceId: 'sim:silent' });
  } catch (err) {
    return { stage: 'open', ...describeError(err) };
  }
  try {
    if (!scenario.atOpen) scenario.arm(camera);
    const sink = new MemorySink();
    // Found by name: where it sits depends on whether the faulty GetObjectInfo was its folder's.
    const photo = device.items().find((item) => item.name === 'IMG_0001.JPG');
    if (!photo) return { stage: 'open', name: 'IMG_0001.JPG is not in the tree' };
    const report = await device.createTransfer(photo.fullName).transfer('download', 0, {
      TransferCallback: () => 0,
      GetNextStream: () => ({ hr: 0, stream: sink }),
    });
    return { stage: 'download', outcome: report.outcome, bytes: sink.length, ...describeError(report.error) };
  } finally {
    await device.close();
  }
}

process.stdout.write(`${JSON.stringify(await run(process.argv[2] ?? ''))}\n`);
