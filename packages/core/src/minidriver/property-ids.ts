/**
 * WIA property ids (`wiadef.h`). Device info properties start at 2
 * (`WIA_DIP_*`), camera device properties at 2050 (`WIA_DPC_*`), scanner device
 * properties at 3074 (`WIA_DPS_*`), common item properties at 4098
 * (`WIA_IPA_*`), camera item properties at 5122 (`WIA_IPC_*`) and WIA 2.0
 * scanner item properties at 6146 (`WIA_IPS_*`).
 */
export const WIA_DIP_DEV_ID = 2;
export const WIA_DIP_VEND_DESC = 3;
export const WIA_DIP_DEV_DESC = 4;
export const WIA_DIP_DEV_TYPE = 5;
export const WIA_DIP_PORT_NAME = 6;
export const WIA_DIP_DEV_NAME = 7;
export const WIA_DIP_SERVER_NAME = 8;
export const WIA_DIP_WIA_VERSION = 14;
export const WIA_DIP_DRIVER_VERSION = 15;
export const WIA_DIP_PNP_ID = 16;

export const WIA_DPC_PICTURES_TAKEN = 2050;
export const WIA_DPC_PICTURES_REMAINING = 2051;
export const WIA_DPC_BATTERY_STATUS = 2065;

export const WIA_DPS_HORIZONTAL_BED_SIZE = 3074;
export const WIA_DPS_VERTICAL_BED_SIZE = 3075;
export const WIA_DPS_HORIZONTAL_SHEET_FEED_SIZE = 3076;
export const WIA_DPS_VERTICAL_SHEET_FEED_SIZE = 3077;
export const WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES = 3086;
export const WIA_DPS_DOCUMENT_HANDLING_STATUS = 3087;
export const WIA_DPS_DOCUMENT_HANDLING_SELECT = 3088;
export const WIA_DPS_OPTICAL_XRES = 3090;
export const WIA_DPS_OPTICAL_YRES = 3091;
export const WIA_DPS_PAGES = 3096;
export const WIA_DPS_PAGE_SIZE = 3097;
export const WIA_DPS_PREVIEW = 3100;

export const WIA_IPA_ITEM_NAME = 4098;
export const WIA_IPA_FULL_ITEM_NAME = 4099;
export const WIA_IPA_ITEM_TIME = 4100;
export const WIA_IPA_ITEM_FLAGS = 4101;
export const WIA_IPA_ACCESS_RIGHTS = 4102;
export const WIA_IPA_DATATYPE = 4103;
export const WIA_IPA_DEPTH = 4104;
export const WIA_IPA_PREFERRED_FORMAT = 4105;
export const WIA_IPA_FORMAT = 4106;
export const WIA_IPA_COMPRESSION = 4107;
export const WIA_IPA_TYMED = 4108;
export const WIA_IPA_CHANNELS_PER_PIXEL = 4109;
export const WIA_IPA_BITS_PER_CHANNEL = 4110;
export const WIA_IPA_PIXELS_PER_LINE = 4112;
export const WIA_IPA_BYTES_PER_LINE = 4113;
export const WIA_IPA_NUMBER_OF_LINES = 4114;
export const WIA_IPA_ITEM_SIZE = 4116;
export const WIA_IPA_BUFFER_SIZE = 4118;
export const WIA_IPA_FILENAME_EXTENSION = 4123;
export const WIA_IPA_ITEM_CATEGORY = 4125;
export const WIA_IPA_UPLOAD_ITEM_SIZE = 4126;
export const WIA_IPA_ITEMS_STORED = 4127;

export const WIA_IPC_THUMBNAIL = 5122;
export const WIA_IPC_THUMB_WIDTH = 5123;
export const WIA_IPC_THUMB_HEIGHT = 5124;

export const WIA_IPS_CUR_INTENT = 6146;
export const WIA_IPS_XRES = 6147;
export const WIA_IPS_YRES = 6148;
export const WIA_IPS_XPOS = 6149;
export const WIA_IPS_YPOS = 6150;
export const WIA_IPS_XEXTENT = 6151;
export const WIA_IPS_YEXTENT = 6152;
export const WIA_IPS_BRIGHTNESS = 6154;
export const WIA_IPS_CONTRAST = 6155;
export const WIA_IPS_TRANSFER_CAPABILITIES = 6169;
/** WIA 2.0 reuses the device property ids for feeder item properties. */
export const WIA_IPS_DOCUMENT_HANDLING_SELECT = WIA_DPS_DOCUMENT_HANDLING_SELECT;
export const WIA_IPS_PAGES = WIA_DPS_PAGES;
export const WIA_IPS_PAGE_SIZE = WIA_DPS_PAGE_SIZE;
export const WIA_IPS_PREVIEW = WIA_DPS_PREVIEW;

/** `WIA_IPS_TRANSFER_CAPABILITIES` bit: the driver transfers a folder's children in one call. */
export const WIA_TRANSFER_CHILDREN_SINGLE_SCAN = 0x1;

/** `WIA_IPA_DATATYPE` values. */
export const WIA_DATA_THRESHOLD = 0;
export const WIA_DATA_GRAYSCALE = 2;
export const WIA_DATA_COLOR = 3;
/** The device picks colour, grayscale or black-and-white per page (WIA 2.0; `wiadef.h` gives 100). */
export const WIA_DATA_AUTO = 100;

/** `WIA_IPA_DEPTH` while `WIA_IPA_DATATYPE` is `WIA_DATA_AUTO`: the device picks the depth with the mode. */
export const WIA_DEPTH_AUTO = 0;

/** First id WIA leaves to a driver's own item properties (`WIA_PRIVATE_ITEMPROP`, 0x11802). */
export const WIA_PRIVATE_ITEMPROP = 71682;

/** `WIA_DPS_DOCUMENT_HANDLING_SELECT` bits. */
export const FEEDER = 0x001;
export const FLATBED = 0x002;
export const DUPLEX = 0x004;

/** `WIA_IPA_TYMED` value used by WIA 2.0 stream transfers. */
export const TYMED_FILE = 2;

/** Image format GUIDs (`WiaImgFmt_*`). */
export const WiaImgFmt_BMP = 'b96b3cab-0728-11d3-9d7b-0000f81ef32e';
export const WiaImgFmt_JPEG = 'b96b3cae-0728-11d3-9d7b-0000f81ef32e';
export const WiaImgFmt_PNG = 'b96b3caf-0728-11d3-9d7b-0000f81ef32e';
export const WiaImgFmt_TIFF = 'b96b3cb1-0728-11d3-9d7b-0000f81ef32e';
export const WiaImgFmt_EXIF = 'b96b3cb2-0728-11d3-9d7b-0000f81ef32e';
export const WiaImgFmt_PDFA = '9980bd5b-3463-43c7-bdca-3caa146f229f';
export const WiaImgFmt_RAW = '6f120719-f1a8-4e07-9ade-9b64c63a3dcc';
