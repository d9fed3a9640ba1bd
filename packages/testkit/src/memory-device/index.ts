export * from './memory-device.js';
