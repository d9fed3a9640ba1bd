export * from './escl/index.js';
