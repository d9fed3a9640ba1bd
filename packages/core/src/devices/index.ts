export * from './device-manager.js';
