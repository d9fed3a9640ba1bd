import { expect } from 'chai';
import { E_INVALIDARG, WIA_ERROR_ITEM_DELETED, WiaError } from '../hresult/index.js';
import { WIA_CATEGORY_FEEDER, WIA_CATEGORY_FLATBED, WIA_CATEGORY_ROOT } from './events.js';
import { WiaDrvItem, WiaItemType } from './items.js';

const IMAGE = WiaItemType.Image | WiaItemType.File | WiaItemType.Transfer;

/** A scanner-like tree: Root → Flatbed, Feeder → Page1, Page2. */
function scannerTree(): { root: WiaDrvItem; flatbed: WiaDrvItem; feeder: WiaDrvItem; page1: WiaDrvItem; page2: WiaDrvItem } {
  const root = WiaDrvItem.createRoot('Root', WIA_CATEGORY_ROOT);
  const flatbed = root.addChild({ name: 'Flatbed', flags: IMAGE, category: WIA_CATEGORY_FLATBED });
  const feeder = root.addChild({ name: 'Feeder', flags: WiaItemType.Folder | WiaItemType.Transfer, category: WIA_CATEGORY_FEEDER });
  const page1 = feeder.addChild({ name: 'Page1', flags: IMAGE });
  const page2 = feeder.addChild({ name: 'Page2', flags: IMAGE });
  return { root, flatbed, feeder, page1, page2 };
}

function expectWiaError(fn: () => unknown, hresult: number, message?: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'expected a WiaError').to.be.instanceOf(WiaError);
  expect((thrown as WiaError).code).to.equal(new WiaError(hresult).code);
  if (message) expect((thrown as WiaError).message).to.match(message);
}

describe('WiaDrvItem (the driver item tree)', () => {
  describe('the root', () => {
    it('is a root device folder named Root by default, with no parent', () => {
      const root = WiaDrvItem.createRoot();
      expect(root.name).to.equal('Root');
      expect(root.fullName).to.equal('Root');
      expect(root.parent).to.equal(undefined);
      expect(root.flags).to.equal(WiaItemType.Root | WiaItemType.Folder | WiaItemType.Device);
      expect(root.isFolder).to.equal(true);
      expect(root.isTransferable).to.equal(false);
      expect(root.category).to.equal(undefined);
      expect(root.children).to.deep.equal([]);
    });

    it('takes a name and a category', () => {
      const root = WiaDrvItem.createRoot('Scanner', WIA_CATEGORY_ROOT);
      expect(root.fullName).to.equal('Scanner');
      expect(root.category).to.equal(WIA_CATEGORY_ROOT);
    });

    it('starts with an empty property storage', () => {
      expect(WiaDrvItem.createRoot().properties.list()).to.deep.equal([]);
    });
  });

  describe('adding children', () => {
    it('builds full names in the WIA form Root\\Child\\Grandchild', () => {
      const { root, flatbed, feeder, page1 } = scannerTree();
      expect(flatbed.fullName).to.equal('Root\\Flatbed');
      expect(feeder.fullName).to.equal('Root\\Feeder');
      expect(page1.fullName).to.equal('Root\\Feeder\\Page1');
      expect(page1.name).to.equal('Page1');
      expect(page1.parent).to.equal(feeder);
      expect(feeder.parent).to.equal(root);
    });

    it('keeps children in the order they were added', () => {
      const { root, feeder } = scannerTree();
      expect(root.children.map((c) => c.name)).to.deep.equal(['Flatbed', 'Feeder']);
      expect(feeder.children.map((c) => c.name)).to.deep.equal(['Page1', 'Page2']);
    });

    it('keeps what the driver said: flags, category, context', () => {
      const root = WiaDrvItem.createRoot();
      const context = { handle: 0x10001 };
      const item = root.addChild({ name: 'IMG_0001.JPG', flags: IMAGE, category: WIA_CATEGORY_FLATBED, context });
      expect(item.flags).to.equal(IMAGE);
      expect(item.category).to.equal(WIA_CATEGORY_FLATBED);
      expect(item.context).to.equal(context);
      expect(item.isTransferable).to.equal(true);
      expect(item.isFolder).to.equal(false);
      expect(item.isDeleted).to.equal(false);
    });

    it('gives every item its own property storage', () => {
      const { root, flatbed } = scannerTree();
      expect(root.properties).not.to.equal(flatbed.properties);
    });

    it('rejects a name already used by a sibling with E_INVALIDARG', () => {
      const { root } = scannerTree();
      expectWiaError(() => root.addChild({ name: 'Feeder', flags: IMAGE }), E_INVALIDARG, /Root already has a child named "Feeder"/);
      expect(root.children).to.have.length(2);
    });

    it('allows the same name under different parents', () => {
      const { root, feeder } = scannerTree();
      const top = root.addChild({ name: 'Page1', flags: IMAGE });
      expect(top.fullName).to.equal('Root\\Page1');
      expect(feeder.find('Root\\Feeder\\Page1')).not.to.equal(undefined);
    });

    it('rejects an empty name with E_INVALIDARG', () => {
      const root = WiaDrvItem.createRoot();
      expectWiaError(() => root.addChild({ name: '', flags: IMAGE }), E_INVALIDARG, /empty or contains a backslash/);
      expectWiaError(() => WiaDrvItem.createRoot(''), E_INVALIDARG);
    });

    it('rejects a name with a backslash (it would forge a full name) with E_INVALIDARG', () => {
      const root = WiaDrvItem.createRoot();
      expectWiaError(() => root.addChild({ name: 'Feeder\\Page1', flags: IMAGE }), E_INVALIDARG, /backslash/);
      expectWiaError(() => WiaDrvItem.createRoot('A\\B'), E_INVALIDARG);
      expect(root.children).to.deep.equal([]);
    });
  });

  describe('removing a child', () => {
    it('takes it out of its parent and detaches it', () => {
      const { root, feeder, flatbed } = scannerTree();
      root.removeChild(feeder);
      expect(root.children).to.deep.equal([flatbed]);
      expect(feeder.parent).to.equal(undefined);
    });

    it('marks the whole removed subtree deleted, and nothing else', () => {
      const { root, flatbed, feeder, page1, page2 } = scannerTree();
      root.removeChild(feeder);
      for (const item of [feeder, page1, page2]) {
        expect(item.isDeleted, item.fullName).to.equal(true);
        expect(item.flags & WiaItemType.Deleted, item.fullName).to.equal(WiaItemType.Deleted);
      }
      expect(root.isDeleted).to.equal(false);
      expect(flatbed.isDeleted).to.equal(false);
    });

    it('keeps the other flags of a deleted item', () => {
      const { root, flatbed } = scannerTree();
      root.removeChild(flatbed);
      expect(flatbed.flags).to.equal(IMAGE | WiaItemType.Deleted);
    });

    it('makes the subtree unreachable by walk and find', () => {
      const { root, feeder } = scannerTree();
      root.removeChild(feeder);
      expect([...root.walk()].map((i) => i.fullName)).to.deep.equal(['Root', 'Root\\Flatbed']);
      expect(root.find('Root\\Feeder\\Page1')).to.equal(undefined);
    });

    it('frees the name for a new sibling', () => {
      const { root, feeder } = scannerTree();
      root.removeChild(feeder);
      const again = root.addChild({ name: 'Feeder', flags: WiaItemType.Folder });
      expect(again.isDeleted).to.equal(false);
      expect(root.find('Root\\Feeder')).to.equal(again);
    });

    it('rejects an item that is not a child with WIA_ERROR_ITEM_DELETED', () => {
      const { root, page1 } = scannerTree();
      expectWiaError(() => root.removeChild(page1), WIA_ERROR_ITEM_DELETED, /Root\\Feeder\\Page1 is not a child of Root/);
      expect(page1.isDeleted).to.equal(false);
    });

    it('rejects removing the same child twice with WIA_ERROR_ITEM_DELETED', () => {
      const { root, flatbed } = scannerTree();
      root.removeChild(flatbed);
      expectWiaError(() => root.removeChild(flatbed), WIA_ERROR_ITEM_DELETED);
    });

    it('counts an item flagged Removed as deleted too', () => {
      const root = WiaDrvItem.createRoot();
      const item = root.addChild({ name: 'gone', flags: IMAGE | WiaItemType.Removed });
      expect(item.isDeleted).to.equal(true);
    });
  });

  describe('walk', () => {
    it('visits the item and every descendant, depth first, parents before children, in child order', () => {
      const { root, feeder } = scannerTree();
      feeder.children[0]!.addChild({ name: 'Thumb', flags: IMAGE });
      expect([...root.walk()].map((i) => i.fullName)).to.deep.equal([
        'Root',
        'Root\\Flatbed',
        'Root\\Feeder',
        'Root\\Feeder\\Page1',
        'Root\\Feeder\\Page1\\Thumb',
        'Root\\Feeder\\Page2',
      ]);
    });

    it('walks only the subtree it starts from', () => {
      const { feeder } = scannerTree();
      expect([...feeder.walk()].map((i) => i.name)).to.deep.equal(['Feeder', 'Page1', 'Page2']);
    });

    it('yields just the item for a leaf', () => {
      const { page2 } = scannerTree();
      expect([...page2.walk()]).to.deep.equal([page2]);
    });
  });

  describe('find', () => {
    it('finds any item of the subtree by its full name', () => {
      const { root, feeder, page2 } = scannerTree();
      expect(root.find('Root')).to.equal(root);
      expect(root.find('Root\\Feeder')).to.equal(feeder);
      expect(root.find('Root\\Feeder\\Page2')).to.equal(page2);
      expect(feeder.find('Root\\Feeder\\Page2')).to.equal(page2);
    });

    it('answers undefined for a name it does not hold', () => {
      const { root, feeder } = scannerTree();
      expect(root.find('Root\\Nothing')).to.equal(undefined);
      expect(root.find('Page2')).to.equal(undefined);
      expect(feeder.find('Root\\Flatbed')).to.equal(undefined);
    });

    it('matches whole names only: not a prefix of a name, not an empty one, not a forged path', () => {
      const { root, feeder } = scannerTree();
      expect(root.find('Root\\Feed')).to.equal(undefined);
      expect(root.find('Root\\Feeder\\Page')).to.equal(undefined);
      expect(root.find('Root\\Feeder\\')).to.equal(undefined);
      expect(root.find('Root\\\\Feeder')).to.equal(undefined);
      expect(root.find('RootX\\Feeder')).to.equal(undefined);
      expect(root.find('Roo')).to.equal(undefined);
      expect(root.find('')).to.equal(undefined);
      expect(feeder.find('Root')).to.equal(undefined);
    });

    it('finds items of a large folder by name, and none that was removed', () => {
      const root = WiaDrvItem.createRoot();
      const folder = root.addChild({ name: 'DCIM', flags: WiaItemType.Folder });
      const files = Array.from({ length: 2000 }, (_, i) => folder.addChild({ name: `IMG_${String(i).padStart(4, '0')}.JPG`, flags: IMAGE }));
      for (const file of files) expect(root.find(file.fullName)).to.equal(file);
      folder.removeChild(files[1234]!);
      expect(root.find('Root\\DCIM\\IMG_1234.JPG')).to.equal(undefined);
      expect(root.find('Root\\DCIM\\IMG_1235.JPG')).to.equal(files[1235]);
      expectWiaError(() => folder.addChild({ name: 'IMG_0007.JPG', flags: IMAGE }), E_INVALIDARG, /already has a child named/);
    });
  });
});
