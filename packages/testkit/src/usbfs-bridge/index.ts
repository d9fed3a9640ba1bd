export * from './availability.js';
export * from './descriptor-bytes.js';
export * from './usbfs-bridge.js';
export * from './usbfs-device-server.js';
export * from './with-emulated-usb.js';
export * from './emulated-transport.js';
