/**
 * `@openwia/device-plugins/ptp/codec`: PTP containers, datasets and codes, for
 * tools and fuzzers that speak PTP without a camera session.
 */
export * from './ptp-codes.js';
export * from './ptp-errors.js';
export * from './ptp-container.js';
export * from './ptp-data-reader.js';
export * from './ptp-datasets.js';
