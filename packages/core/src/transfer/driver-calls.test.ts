import { expect } from 'chai';
import { E_FAIL, S_FALSE, S_OK, WIA_ERROR_EXCEPTION_IN_DRIVER, WIA_ERROR_INVALID_DRIVER_RESPONSE, WIA_STATUS_END_OF_MEDIA, WiaError } from '../hresult/index.js';
import {
  WIA_IPS_TRANSFER_CAPABILITIES,
  WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN,
  WIA_MINIDRV_TRANSFER_DOWNLOAD,
  WIA_MINIDRV_TRANSFER_UPLOAD,
  WIA_PROP_READ,
  WIA_TRANSFER_ACQUIRE_CHILDREN,
  WIA_TRANSFER_CHILDREN_SINGLE_SCAN,
  WiaDrvItem,
  WiaItemType,
} from '../minidriver/index.js';
import { DriverCall, judgeAcquire, planCalls, statusVerdict } from './driver-calls.js';

function folderWithChildren(): { folder: WiaDrvItem; photos: WiaDrvItem[] } {
  const root = WiaDrvItem.createRoot();
  const folder = root.addChild({ name: 'Folder', flags: WiaItemType.Folder });
  const photos = ['a', 'b', 'c'].map((name) => folder.addChild({ name, flags: WiaItemType.File | WiaItemType.Image | WiaItemType.Transfer }));
  folder.addChild({ name: 'sub', flags: WiaItemType.Folder });
  photos[1]!.flags |= WiaItemType.Deleted;
  return { folder, photos };
}

describe('driver calls: the plan of a transfer and what each call amounts to', () => {
  describe('planCalls', () => {
    it('plans one call on the item itself without ACQUIRE_CHILDREN, and for every upload', () => {
      const { photos } = folderWithChildren();
      expect(planCalls(photos[0]!, 'download', 0)).to.deep.equal([new DriverCall(photos[0]!, WIA_MINIDRV_TRANSFER_DOWNLOAD)]);
      expect(planCalls(photos[0]!, 'upload', WIA_TRANSFER_ACQUIRE_CHILDREN)).to.deep.equal([new DriverCall(photos[0]!, WIA_MINIDRV_TRANSFER_UPLOAD)]);
    });

    it('plans one call per transferable child still present, in order, for a folder', () => {
      const { folder, photos } = folderWithChildren();
      const calls = planCalls(folder, 'download', WIA_TRANSFER_ACQUIRE_CHILDREN);
      expect(calls.map((c) => c.item)).to.deep.equal([photos[0], photos[2]]);
      expect(calls.every((c) => c instanceof DriverCall && c.flags === WIA_MINIDRV_TRANSFER_DOWNLOAD)).to.equal(true);
    });

    it('plans a single ACQUIRE_CHILDREN call when the folder transfers its children in one scan', () => {
      const { folder } = folderWithChildren();
      folder.properties.define({ id: WIA_IPS_TRANSFER_CAPABILITIES, name: 'WIA_IPS_TRANSFER_CAPABILITIES', access: WIA_PROP_READ, value: WIA_TRANSFER_CHILDREN_SINGLE_SCAN });
      expect(planCalls(folder, 'download', WIA_TRANSFER_ACQUIRE_CHILDREN)).to.deep.equal([
        new DriverCall(folder, WIA_MINIDRV_TRANSFER_DOWNLOAD | WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN),
      ]);
    });

    it('plans nothing for a folder with no children', () => {
      const root = WiaDrvItem.createRoot();
      const folder = root.addChild({ name: 'Empty', flags: WiaItemType.Folder });
      expect(planCalls(folder, 'download', WIA_TRANSFER_ACQUIRE_CHILDREN)).to.deep.equal([]);
    });
  });

  describe('judgeAcquire', () => {
    it('turns S_OK and WIA_STATUS_END_OF_MEDIA into statuses, S_FALSE and an abandoned call into a cancel', () => {
      expect(judgeAcquire({ kind: 'done', value: S_OK })).to.deep.equal({ kind: 'status', hr: S_OK });
      expect(judgeAcquire({ kind: 'done', value: WIA_STATUS_END_OF_MEDIA })).to.deep.equal({ kind: 'status', hr: WIA_STATUS_END_OF_MEDIA });
      expect(judgeAcquire({ kind: 'done', value: S_FALSE })).to.deep.equal({ kind: 'cancelled' });
      expect(judgeAcquire({ kind: 'abandoned' })).to.deep.equal({ kind: 'cancelled' });
    });

    it('makes a failure code, a throw, a non-integer or an undefined success code a typed error', () => {
      const errorOf = (verdict: ReturnType<typeof judgeAcquire>): WiaError => {
        if (verdict.kind !== 'error') throw new Error(`expected an error verdict, got ${verdict.kind}`);
        return verdict.error;
      };
      expect(errorOf(judgeAcquire({ kind: 'done', value: E_FAIL })).hresult).to.equal(E_FAIL);
      expect(errorOf(judgeAcquire({ kind: 'threw', error: new Error('boom') })).hresult).to.equal(WIA_ERROR_EXCEPTION_IN_DRIVER);
      expect(errorOf(judgeAcquire({ kind: 'done', value: 1.5 })).hresult).to.equal(WIA_ERROR_INVALID_DRIVER_RESPONSE);
      expect(errorOf(judgeAcquire({ kind: 'done', value: 12345 })).hresult).to.equal(WIA_ERROR_INVALID_DRIVER_RESPONSE);
    });
  });

  describe('statusVerdict', () => {
    it('gives one shared, frozen verdict per status (they outlive an item: no new object per call)', () => {
      expect(statusVerdict(S_OK)).to.equal(statusVerdict(S_OK));
      expect(Object.isFrozen(statusVerdict(WIA_STATUS_END_OF_MEDIA))).to.equal(true);
    });

    it('refuses a code that is not a transfer status', () => {
      expect(() => statusVerdict(S_FALSE)).to.throw(RangeError, /not a transfer status/);
    });
  });
});
