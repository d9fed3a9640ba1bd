import { expect } from 'chai';
import * as events from './events.js';
import * as messages from './messages.js';
import * as propertyIds from './property-ids.js';
import { WIA_EVENT_NAMES } from './events.js';
import { WIA_TRANSFER_MSG_NAMES, type WiaTransferMessage } from './messages.js';

/**
 * Every value below is typed in by hand — from /work/shared/wia-reference.md
 * where it lists the value, otherwise from the Windows SDK's `wiadef.h`,
 * `wia_lh.h` and `wiamindr_lh.h` (as published by Microsoft and mirrored in
 * public header copies) — never derived from the code under test.
 */
type Table = ReadonlyArray<[name: string, value: string | number]>;

/** From the reference's "Events (GUIDs)" table. */
const EVENTS: Table = [
  ['WIA_EVENT_CANCEL_IO', 'c860f7b8-9ccd-41ea-bbbf-4dd09c5b1795'],
  ['WIA_EVENT_DEVICE_CONNECTED', 'a28bbade-64b6-11d2-a231-00c04fa31809'],
  ['WIA_EVENT_DEVICE_DISCONNECTED', '143e4e83-6497-11d2-a231-00c04fa31809'],
  ['WIA_EVENT_ITEM_CREATED', '4c8f4ef5-e14f-11d2-b326-00c04f68ce61'],
  ['WIA_EVENT_ITEM_DELETED', '1d22a559-e14f-11d2-b326-00c04f68ce61'],
  ['WIA_EVENT_TREE_UPDATED', 'c9859b91-4ab2-4cd6-a1fc-582eec55e585'],
  ['WIA_EVENT_STORAGE_CREATED', '353308b2-fe73-46c8-895e-fa4551ccc85a'],
  ['WIA_EVENT_STORAGE_DELETED', '5e41e75e-9390-44c5-9a51-e47019e390cf'],
  ['WIA_EVENT_SCAN_IMAGE', 'a6c5a715-8c6e-11d2-977a-0000f87a926f'],
];

/** From the reference's list of commands for `drvDeviceCommand`. */
const COMMANDS: Table = [
  ['WIA_CMD_TAKE_PICTURE', 'af933cac-acad-11d2-a093-00c04f72dc3c'],
  ['WIA_CMD_SYNCHRONIZE', '9b26b7b2-acad-11d2-a093-00c04f72dc3c'],
  ['WIA_CMD_DELETE_ALL_ITEMS', 'e208c170-acad-11d2-a093-00c04f72dc3c'],
  ['WIA_CMD_START_FEEDER', '5a9df6c9-5f2d-4a39-9d6c-00456d047f00'],
  ['WIA_CMD_STOP_FEEDER', 'd847b06d-3905-459c-9509-9b29cdb691e7'],
];

/** `wiadef.h` `DEFINE_GUID(WIA_CATEGORY_*)`; the Microsoft docs list the same names ("WIA 2.0 Item Category GUIDs"). */
const CATEGORIES: Table = [
  ['WIA_CATEGORY_FINISHED_FILE', 'ff2b77ca-cf84-432b-a735-3a130dde2a88'],
  ['WIA_CATEGORY_FLATBED', 'fb607b1f-43f3-488b-855b-fb703ec342a6'],
  ['WIA_CATEGORY_FEEDER', 'fe131934-f84c-42ad-8da4-6129cddd7288'],
  ['WIA_CATEGORY_FILM', 'fcf65be7-3ce3-4473-af85-f5d37d21b68a'],
  ['WIA_CATEGORY_ROOT', 'f193526f-59b8-4a26-9888-e16e4f97ce10'],
  ['WIA_CATEGORY_FOLDER', 'c692a446-6f5a-481d-85bb-92e2e86fd30a'],
];

/** `wiadef.h` `DEFINE_GUID(WiaImgFmt_*)`. */
const IMAGE_FORMATS: Table = [
  ['WiaImgFmt_BMP', 'b96b3cab-0728-11d3-9d7b-0000f81ef32e'],
  ['WiaImgFmt_JPEG', 'b96b3cae-0728-11d3-9d7b-0000f81ef32e'],
  ['WiaImgFmt_PNG', 'b96b3caf-0728-11d3-9d7b-0000f81ef32e'],
  ['WiaImgFmt_TIFF', 'b96b3cb1-0728-11d3-9d7b-0000f81ef32e'],
  ['WiaImgFmt_EXIF', 'b96b3cb2-0728-11d3-9d7b-0000f81ef32e'],
  ['WiaImgFmt_PDFA', '9980bd5b-3463-43c7-bdca-3caa146f229f'],
  ['WiaImgFmt_RAW', '6f120719-f1a8-4e07-9ade-9b64c63a3dcc'],
];

/** `wiadef.h` property ids (the reference lists the item and scanner ones). */
const PROPERTY_IDS: Table = [
  ['WIA_DIP_DEV_ID', 2],
  ['WIA_DIP_VEND_DESC', 3],
  ['WIA_DIP_DEV_DESC', 4],
  ['WIA_DIP_DEV_TYPE', 5],
  ['WIA_DIP_PORT_NAME', 6],
  ['WIA_DIP_DEV_NAME', 7],
  ['WIA_DIP_SERVER_NAME', 8],
  ['WIA_DIP_WIA_VERSION', 14],
  ['WIA_DIP_DRIVER_VERSION', 15],
  ['WIA_DIP_PNP_ID', 16],
  ['WIA_DPC_PICTURES_TAKEN', 2050],
  ['WIA_DPC_PICTURES_REMAINING', 2051],
  // 2053 is WIA_DPC_EXPOSURE_COMP; battery status is WIA_DPC_FIRST + 15.
  ['WIA_DPC_BATTERY_STATUS', 2065],
  ['WIA_DPS_HORIZONTAL_BED_SIZE', 3074],
  ['WIA_DPS_VERTICAL_BED_SIZE', 3075],
  ['WIA_DPS_HORIZONTAL_SHEET_FEED_SIZE', 3076],
  ['WIA_DPS_VERTICAL_SHEET_FEED_SIZE', 3077],
  ['WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES', 3086],
  ['WIA_DPS_DOCUMENT_HANDLING_STATUS', 3087],
  ['WIA_DPS_DOCUMENT_HANDLING_SELECT', 3088],
  ['WIA_DPS_OPTICAL_XRES', 3090],
  ['WIA_DPS_OPTICAL_YRES', 3091],
  ['WIA_DPS_PAGES', 3096],
  ['WIA_DPS_PAGE_SIZE', 3097],
  ['WIA_DPS_PREVIEW', 3100],
  ['WIA_IPA_ITEM_NAME', 4098],
  ['WIA_IPA_FULL_ITEM_NAME', 4099],
  ['WIA_IPA_ITEM_TIME', 4100],
  ['WIA_IPA_ITEM_FLAGS', 4101],
  ['WIA_IPA_ACCESS_RIGHTS', 4102],
  ['WIA_IPA_DATATYPE', 4103],
  ['WIA_IPA_DEPTH', 4104],
  ['WIA_IPA_PREFERRED_FORMAT', 4105],
  ['WIA_IPA_FORMAT', 4106],
  ['WIA_IPA_COMPRESSION', 4107],
  ['WIA_IPA_TYMED', 4108],
  ['WIA_IPA_CHANNELS_PER_PIXEL', 4109],
  ['WIA_IPA_BITS_PER_CHANNEL', 4110],
  ['WIA_IPA_PIXELS_PER_LINE', 4112],
  ['WIA_IPA_BYTES_PER_LINE', 4113],
  ['WIA_IPA_NUMBER_OF_LINES', 4114],
  ['WIA_IPA_ITEM_SIZE', 4116],
  ['WIA_IPA_BUFFER_SIZE', 4118],
  ['WIA_IPA_FILENAME_EXTENSION', 4123],
  ['WIA_IPA_ITEM_CATEGORY', 4125],
  ['WIA_IPA_UPLOAD_ITEM_SIZE', 4126],
  ['WIA_IPA_ITEMS_STORED', 4127],
  ['WIA_IPC_THUMBNAIL', 5122],
  ['WIA_IPC_THUMB_WIDTH', 5123],
  ['WIA_IPC_THUMB_HEIGHT', 5124],
  ['WIA_IPS_CUR_INTENT', 6146],
  ['WIA_IPS_XRES', 6147],
  ['WIA_IPS_YRES', 6148],
  ['WIA_IPS_XPOS', 6149],
  ['WIA_IPS_YPOS', 6150],
  ['WIA_IPS_XEXTENT', 6151],
  ['WIA_IPS_YEXTENT', 6152],
  ['WIA_IPS_BRIGHTNESS', 6154],
  ['WIA_IPS_CONTRAST', 6155],
  ['WIA_IPS_TRANSFER_CAPABILITIES', 6169],
  // WIA 2.0 feeder item properties reuse the scanner device property ids.
  ['WIA_IPS_DOCUMENT_HANDLING_SELECT', 3088],
  ['WIA_IPS_PAGES', 3096],
  ['WIA_IPS_PAGE_SIZE', 3097],
  ['WIA_IPS_PREVIEW', 3100],
];

/** `wiadef.h` property value constants. */
const PROPERTY_VALUES: Table = [
  ['WIA_TRANSFER_CHILDREN_SINGLE_SCAN', 0x1],
  ['WIA_DATA_THRESHOLD', 0],
  ['WIA_DATA_GRAYSCALE', 2],
  ['WIA_DATA_COLOR', 3],
  ['FEEDER', 0x001],
  ['FLATBED', 0x002],
  ['DUPLEX', 0x004],
  ['TYMED_FILE', 2],
];

/** The reference's message table (`wia_lh.h`) and transfer flags (`wiamindr_lh.h`). */
const MESSAGES: Table = [
  ['WIA_TRANSFER_MSG_STATUS', 0x1],
  ['WIA_TRANSFER_MSG_END_OF_STREAM', 0x2],
  ['WIA_TRANSFER_MSG_END_OF_TRANSFER', 0x3],
  ['WIA_TRANSFER_MSG_DEVICE_STATUS', 0x5],
  ['WIA_TRANSFER_MSG_NEW_PAGE', 0x6],
  ['WIA_TRANSFER_ACQUIRE_CHILDREN', 0x1],
  ['WIA_MINIDRV_TRANSFER_ACQUIRE_CHILDREN', 0x1],
  ['WIA_MINIDRV_TRANSFER_DOWNLOAD', 0x2],
  ['WIA_MINIDRV_TRANSFER_UPLOAD', 0x4],
];

const GUID_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function checkTable(title: string, module: object, table: Table): void {
  const exported = module as Record<string, unknown>;
  describe(title, () => {
    for (const [name, value] of table) {
      it(`${name} is ${value}`, () => {
        expect(exported[name], name).to.equal(value);
      });
    }
  });
}

describe('WIA constants match the SDK', () => {
  checkTable('event GUIDs (WIA_EVENT_*)', events, EVENTS);
  checkTable('command GUIDs (WIA_CMD_*)', events, COMMANDS);
  checkTable('item category GUIDs (WIA_CATEGORY_*)', events, CATEGORIES);
  checkTable('image format GUIDs (WiaImgFmt_*)', propertyIds, IMAGE_FORMATS);
  checkTable('property ids', propertyIds, PROPERTY_IDS);
  checkTable('property values', propertyIds, PROPERTY_VALUES);
  checkTable('transfer messages and flags', messages, MESSAGES);

  it('spells every GUID in lower case, in the 8-4-4-4-12 form', () => {
    const guids = [...EVENTS, ...COMMANDS, ...CATEGORIES, ...IMAGE_FORMATS].map(([, value]) => value);
    for (const guid of guids) expect(guid).to.match(GUID_FORMAT);
  });

  it('exports no event, command, category or format GUID that the tables above do not check', () => {
    const checked = new Set([...EVENTS, ...COMMANDS, ...CATEGORIES, ...IMAGE_FORMATS].map(([name]) => name));
    const guidNames = [...Object.keys(events), ...Object.keys(propertyIds)].filter((k) => /^(WIA_EVENT_|WIA_CMD_|WIA_CATEGORY_|WiaImgFmt_)/.test(k) && k !== 'WIA_EVENT_NAMES');
    expect(guidNames.filter((k) => !checked.has(k))).to.deep.equal([]);
  });

  it('exports no property id that the table above does not check', () => {
    const checked = new Set(PROPERTY_IDS.map(([name]) => name));
    const idNames = Object.keys(propertyIds).filter((k) => /^WIA_(DIP|DPC|DPS|IPA|IPC|IPS)_/.test(k));
    expect(idNames.filter((k) => !checked.has(k))).to.deep.equal([]);
  });
});

describe('WIA_EVENT_NAMES', () => {
  it('names every known event by its SDK name', () => {
    expect(WIA_EVENT_NAMES.size).to.equal(EVENTS.length);
    for (const [name, guid] of EVENTS) expect(WIA_EVENT_NAMES.get(guid as string)).to.equal(name);
  });
});

describe('WIA_TRANSFER_MSG_NAMES', () => {
  it('names every transfer message by its SDK name', () => {
    for (const [name, value] of MESSAGES.filter(([n]) => n.startsWith('WIA_TRANSFER_MSG_'))) {
      expect(WIA_TRANSFER_MSG_NAMES[value as WiaTransferMessage]).to.equal(name);
    }
  });
});
