import { WIA_EVENT_NAMES } from '@openwia/core';
import { withCatalog, type GlobalOptions } from './context.js';

/** `openwia watch`: attach/detach and item events until Ctrl-C (or `--for` ms). */
export async function watchCommand(options: GlobalOptions & { for?: number }): Promise<void> {
  await withCatalog(options, async (catalog) => {
    const print = (record: Record<string, unknown>): void => {
      if (options.json) process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`);
      else console.log(`${new Date().toISOString()}  ${Object.values(record).filter((v) => v !== undefined).join('  ')}`);
    };
    catalog.on('event', (event, deviceId, item) => print({ event: WIA_EVENT_NAMES.get(event) ?? event, device: deviceId, item }));
    if (!options.json) console.log(`watching ${catalog.entries().length} device(s); Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        clearTimeout(timer);
        resolve();
      };
      const timer = options.for !== undefined ? setTimeout(stop, options.for) : undefined;
      process.on('SIGINT', stop);
    });
  });
}
