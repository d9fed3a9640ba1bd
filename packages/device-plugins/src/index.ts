/**
 * @packageDocumentation
 * OpenWIA device plugins. Importing this module registers them with the
 * default plugin registry (`@wiaPlugin`).
 */
export * from './ptp/index.js';
