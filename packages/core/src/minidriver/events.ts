/** WIA event ids (GUIDs from `wiadef.h`), lower case as WIA prints them. */
export const WIA_EVENT_CANCEL_IO = 'c860f7b8-9ccd-41ea-bbbf-4dd09c5b1795';
export const WIA_EVENT_DEVICE_CONNECTED = 'a28bbade-64b6-11d2-a231-00c04fa31809';
export const WIA_EVENT_DEVICE_DISCONNECTED = '143e4e83-6497-11d2-a231-00c04fa31809';
export const WIA_EVENT_ITEM_CREATED = '4c8f4ef5-e14f-11d2-b326-00c04f68ce61';
export const WIA_EVENT_ITEM_DELETED = '1d22a559-e14f-11d2-b326-00c04f68ce61';
export const WIA_EVENT_TREE_UPDATED = 'c9859b91-4ab2-4cd6-a1fc-582eec55e585';
export const WIA_EVENT_STORAGE_CREATED = '353308b2-fe73-46c8-895e-fa4551ccc85a';
export const WIA_EVENT_STORAGE_DELETED = '5e41e75e-9390-44c5-9a51-e47019e390cf';
export const WIA_EVENT_SCAN_IMAGE = 'a6c5a715-8c6e-11d2-977a-0000f87a926f';

/** Any of the WIA event GUIDs above (plugins may define more). */
export type WiaEventGuid = string;

/** Readable names of the known events. */
export const WIA_EVENT_NAMES: ReadonlyMap<WiaEventGuid, string> = new Map([
  [WIA_EVENT_CANCEL_IO, 'WIA_EVENT_CANCEL_IO'],
  [WIA_EVENT_DEVICE_CONNECTED, 'WIA_EVENT_DEVICE_CONNECTED'],
  [WIA_EVENT_DEVICE_DISCONNECTED, 'WIA_EVENT_DEVICE_DISCONNECTED'],
  [WIA_EVENT_ITEM_CREATED, 'WIA_EVENT_ITEM_CREATED'],
  [WIA_EVENT_ITEM_DELETED, 'WIA_EVENT_ITEM_DELETED'],
  [WIA_EVENT_TREE_UPDATED, 'WIA_EVENT_TREE_UPDATED'],
  [WIA_EVENT_STORAGE_CREATED, 'WIA_EVENT_STORAGE_CREATED'],
  [WIA_EVENT_STORAGE_DELETED, 'WIA_EVENT_STORAGE_DELETED'],
  [WIA_EVENT_SCAN_IMAGE, 'WIA_EVENT_SCAN_IMAGE'],
]);

/** Device commands for `drvDeviceCommand` (`wiadef.h`). */
export const WIA_CMD_TAKE_PICTURE = 'af933cac-acad-11d2-a093-00c04f72dc3c';
export const WIA_CMD_SYNCHRONIZE = '9b26b7b2-acad-11d2-a093-00c04f72dc3c';
export const WIA_CMD_DELETE_ALL_ITEMS = 'e208c170-acad-11d2-a093-00c04f72dc3c';
export const WIA_CMD_START_FEEDER = '5a9df6c9-5f2d-4a39-9d6c-00456d047f00';
export const WIA_CMD_STOP_FEEDER = 'd847b06d-3905-459c-9509-9b29cdb691e7';

/** Item categories (`wiadef.h` `WIA_CATEGORY_*` GUIDs). */
export const WIA_CATEGORY_FINISHED_FILE = 'ff2b77ca-cf84-432b-a735-3a130dde2a88';
export const WIA_CATEGORY_FLATBED = 'fb607b1f-43f3-488b-855b-fb703ec342a6';
export const WIA_CATEGORY_FEEDER = 'fe131934-f84c-42ad-8da4-6129cddd7288';
export const WIA_CATEGORY_FILM = 'fcf65be7-3ce3-4473-af85-f5d37d21b68a';
export const WIA_CATEGORY_ROOT = 'f193526f-59b8-4a26-9888-e16e4f97ce10';
export const WIA_CATEGORY_FOLDER = 'c692a446-6f5a-481d-85bb-92e2e86fd30a';
