import { WIA_EVENT_NAMES } from '@openwia/core/discovery';
import { CANCEL_SIGNALS } from '../session/interrupt.js';
import { withCatalog, type GlobalOptions } from './context.js';

/** Resolves after `ms` milliseconds (never, when undefined) or at the first SIGINT/SIGTERM. */
function untilStopped(ms: number | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    // A signal listener does not keep Node's event loop alive, and simulated devices (or no
    // devices at all) need no I/O: hold the loop open until told to stop.
    const keepAlive = setInterval(() => undefined, 2 ** 30);
    const stop = (): void => {
      for (const signal of CANCEL_SIGNALS) process.off(signal, stop);
      clearTimeout(timer);
      clearInterval(keepAlive);
      resolve();
    };
    const timer = ms !== undefined ? setTimeout(stop, ms) : undefined;
    for (const signal of CANCEL_SIGNALS) process.on(signal, stop);
  });
}

/** `openwia watch`: attach/detach and item events until Ctrl-C (or `--for` ms). */
export async function watchCommand(options: GlobalOptions & { for?: number }): Promise<void> {
  await withCatalog(options, async (catalog) => {
    const print = (record: Record<string, unknown>): void => {
      if (options.json) process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`);
      else console.log(`${new Date().toISOString()}  ${Object.values(record).filter((v) => v !== undefined).join('  ')}`);
    };
    catalog.on('event', (event, deviceId, item) => print({ event: WIA_EVENT_NAMES.get(event) ?? event, device: deviceId, item }));
    // Listening for Ctrl-C before saying so: a signal sent on seeing the message must find the handler.
    const stopped = untilStopped(options.for);
    if (!options.json) console.log(`watching ${catalog.entries().length} device(s); Ctrl-C to stop`);
    await stopped;
  });
}
