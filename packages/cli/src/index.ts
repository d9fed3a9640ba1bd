export { createProgram } from './program.js';
export { runDemo, type DemoOptions } from './commands/demo.js';
