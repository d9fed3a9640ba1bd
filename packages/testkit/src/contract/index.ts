export * from './contract-checks.js';
export * from './contract-harness.js';
