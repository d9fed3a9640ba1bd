export * from './interfaces.js';
export * from './wia-device.js';
export * from './wia-transfer.js';
export * from './acquire.js';
