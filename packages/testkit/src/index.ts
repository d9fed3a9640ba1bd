export * from './memory-device/index.js';
export * from './usb/index.js';
export * from './virtual-camera/index.js';
