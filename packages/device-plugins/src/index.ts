/**
 * @packageDocumentation
 * OpenWIA device plugins. Importing this module registers them with the
 * default plugin registry (`@wiaPlugin`).
 */
export * from './escl/index.js';
export * from './ptp/index.js';
