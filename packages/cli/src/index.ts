export { createProgram } from './program.js';
export { runDemo, type DemoItem, type DemoOptions, type DemoReport, type DemoTransfer } from './commands/demo.js';
