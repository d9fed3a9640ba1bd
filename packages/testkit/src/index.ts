export * from './memory-device/index.js';
