import { expect } from 'chai';
import fc from 'fast-check';
import { WIA_ERROR_EXCEPTION_IN_DRIVER, WIA_IPC_THUMBNAIL, WiaError } from '@openwia/core';
import type { ContainerMutation } from '@openwia/testkit';
import { PtpOperation } from '../ptp-codes.js';
import { cameraBytes, download, openCameraRig } from './camera-rig.js';

const PHOTO = 'Root\\Internal Memory\\DCIM\\100CANON\\IMG_0001.JPG';

/** Ways firmware gets a container wrong: lying fields, cut short, trailing junk, or garbage. */
const mutation: fc.Arbitrary<{ describe: string; mutate: ContainerMutation }> = fc.oneof(
  fc.record({ field: fc.constantFrom(0, 8), value: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(0x7fffffff, 0xffffffff, 0xfffffff0), fc.integer({ min: 0, max: 0xffffffff })) }).map(({ field, value }) => ({
    describe: `u32 at ${field} = ${value}`,
    mutate: (c: Uint8Array) => (c.length >= field + 4 && new DataView(c.buffer, c.byteOffset).setUint32(field, value, true), c),
  })),
  fc.record({ field: fc.constantFrom(4, 6), value: fc.integer({ min: 0, max: 0xffff }) }).map(({ field, value }) => ({
    describe: `u16 at ${field} = ${value}`,
    mutate: (c: Uint8Array) => (c.length >= field + 2 && new DataView(c.buffer, c.byteOffset).setUint16(field, value, true), c),
  })),
  fc.integer({ min: 0, max: 40 }).map((keep) => ({ describe: `cut to ${keep} bytes`, mutate: (c: Uint8Array) => c.slice(0, Math.min(keep, c.length - 1)) })),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((junk) => ({ describe: `${junk.length} junk bytes appended`, mutate: (c: Uint8Array) => Uint8Array.from([...c, ...junk]) })),
  fc.uint8Array({ maxLength: 48 }).map((garbage) => ({ describe: `replaced by ${garbage.length} random bytes`, mutate: () => garbage })),
);

/** Which container of which operation goes wrong, and what the host does meanwhile. */
const target = fc.constantFrom(
  { kind: 'data', operation: PtpOperation.GetPartialObject, action: 'download' },
  { kind: 'response', operation: PtpOperation.GetPartialObject, action: 'download' },
  { kind: 'data', operation: PtpOperation.GetThumb, action: 'thumbnail' },
  { kind: 'response', operation: PtpOperation.GetThumb, action: 'thumbnail' },
) as fc.Arbitrary<{ kind: 'data' | 'response'; operation: number; action: 'download' | 'thumbnail' }>;

describe('PTP camera: fuzzing the containers a camera sends (end to end)', () => {
  it('any malformed data or response container ends in the right bytes or a typed error; the camera works afterwards', async function () {
    this.timeout(60000);
    await fc.assert(
      fc.asyncProperty(target, mutation, async (where, broken) => {
        const rig = await openCameraRig({ photos: 1 });
        try {
          rig.camera.control.faults.mutateNext(where.kind, broken.mutate, where.operation);
          const photo = rig.device.item(PHOTO);
          if (where.action === 'download') {
            const { app, report } = await download(rig, PHOTO, 0);
            if (report.outcome === 'completed') expect(app.files.get('IMG_0001.JPG')!.bytes.equals(cameraBytes(rig, 'IMG_0001.JPG'))).to.equal(true);
            else expectTypedError(report.error);
          } else {
            await rig.device.readProperties(photo, [WIA_IPC_THUMBNAIL]).then(
              (values) => expect(Buffer.from(values.get(WIA_IPC_THUMBNAIL) as Uint8Array).equals(Buffer.from(rig.camera.control.thumbnailBytes(rig.camera.control.object('IMG_0001.JPG').handle)!))).to.equal(true),
              expectTypedError,
            );
          }
          const { app, report } = await download(rig, PHOTO, 0);
          expect(report.outcome, `after ${broken.describe}: ${String(report.error)}`).to.equal('completed');
          expect(app.files.get('IMG_0001.JPG')!.bytes.equals(cameraBytes(rig, 'IMG_0001.JPG'))).to.equal(true);
        } finally {
          await rig.close();
        }
      }),
      { numRuns: 60, timeout: 5000 },
    );
  });
});

function expectTypedError(error: unknown): void {
  expect(error).to.be.instanceOf(WiaError);
  expect((error as WiaError).hresult, String(error)).to.not.equal(WIA_ERROR_EXCEPTION_IN_DRIVER);
}
