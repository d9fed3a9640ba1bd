/**
 * `@openwia/core/discovery`: finding devices and matching plugins — the `DeviceManager`, the
 * node-usb backend, the plugin registry, and the contract's codes and events — without the
 * transfer engine, the app API or the reflect-metadata polyfill, which load when a device is
 * opened. A short-lived command that only lists devices (`openwia list`) starts faster on this
 * entry; everything here is also exported by `@openwia/core`, as the same objects.
 */
// Module by module rather than folder barrels: each file here is one more file to open at start-up.
export * from './hresult/index.js';
export * from './minidriver/events.js';
export * from './registry/index.js';
export * from './usb/backend.js';
export * from './usb/descriptors.js';
export * from './usb/errors.js';
export * from './usb/node-usb-backend.js';
export * from './usb/tokens.js';
export * from './app/device-manager.js';
export * from './app/usb-driver.js';
