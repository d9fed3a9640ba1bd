/**
 * `@openwia/device-plugins/escl/codec`: the eSCL documents (capabilities,
 * status, scan settings), parsed safely, for tools and fuzzers.
 */
export * from './xml/capabilities.js';
export * from './xml/safe-xml.js';
export * from './xml/scan-settings.js';
export * from './xml/status.js';
