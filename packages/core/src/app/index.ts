export * from './wia-device.js';
export * from './wia-transfer.js';
export * from './acquire.js';
export * from './device-manager.js';
export * from './usb-driver.js';
