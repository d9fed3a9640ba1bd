import type { DemoOptions, DemoReport } from './commands/demo.js';

export { createProgram } from './program.js';
export type { DemoItem, DemoOptions, DemoReport, DemoTransfer } from './commands/demo.js';

/**
 * Runs `openwia demo` (a skip, a cancel mid-page and a transfer after it, on
 * an in-memory feeder) and resolves to its report. The demo's devices come
 * from the testkit, which is loaded only when this is called.
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const demo = await import('./commands/demo.js');
  return demo.runDemo(options);
}
