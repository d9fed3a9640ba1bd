export * from './abort.js';
