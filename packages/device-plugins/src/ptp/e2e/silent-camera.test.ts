import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WIA_ERROR_DEVICE_COMMUNICATION } from '@openwia/core';
import { photoByteLength } from '@openwia/testkit';

const CHILD = fileURLToPath(new URL('./silent-camera-child.js', import.meta.url));

/** Runs one scenario in a process of its own, where nothing but the camera keeps the event loop alive. */
function runAlone(scenario: string): Promise<{ code: number | null; result: Record<string, unknown> | undefined; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHILD, scenario], { timeout: 30_000 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop();
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, result: line ? (JSON.parse(line) as Record<string, unknown>) : undefined, stderr });
    });
  });
}

describe('PTP camera that goes silent: a typed error, even when the camera is all the process waits for', function () {
  this.timeout(40_000);

  it('a camera that never answers at open: WIA_ERROR_DEVICE_COMMUNICATION (not an event loop that runs dry)', async () => {
    const { code, result, stderr } = await runAlone('silent-at-open');
    expect(code, stderr).to.equal(0);
    expect(result).to.include({ stage: 'open', hresult: WIA_ERROR_DEVICE_COMMUNICATION });
  });

  it('a camera that stops answering during GetObject: the download fails typed, with no byte delivered', async () => {
    const { code, result, stderr } = await runAlone('silent-during-get-object');
    expect(code, stderr).to.equal(0);
    expect(result).to.include({ stage: 'download', outcome: 'failed', hresult: WIA_ERROR_DEVICE_COMMUNICATION, bytes: 0 });
  });

  it('a GetObjectInfo data phase longer than announced: the resynchronisation settles, the session goes on', async () => {
    // The first GetObjectInfo (the DCIM folder) carries 12 bytes past its announced length; the drain that
    // clears them waits for the pipe to go quiet, and that wait too must keep the process alive.
    const { code, result, stderr } = await runAlone('object-info-longer-than-announced');
    expect(code, stderr).to.equal(0);
    // The whole photo: the child's camera draws the default 320×240.
    expect(result).to.include({ stage: 'download', outcome: 'completed', bytes: photoByteLength({ width: 320, height: 240 }) });
  });
});
