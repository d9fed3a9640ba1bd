export * from './plugin-registry.js';
