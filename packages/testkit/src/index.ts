export * from './contract/index.js';
export * from './memory-device/index.js';
export * from './recording/index.js';
export * from './scripted-driver/index.js';
export * from './timing/index.js';
export * from './usb/index.js';
export * from './virtual-camera/index.js';
export * from './virtual-scanner/index.js';
