export * from './manual-timers.js';
