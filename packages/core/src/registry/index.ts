export * from './plugin-registry.js';
export * from './tokens.js';
