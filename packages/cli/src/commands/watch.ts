import { WIA_EVENT_NAMES } from '@openwia/core/discovery';
import { listenForCancelSignal } from '../session/interrupt.js';
import { withCatalog, type GlobalOptions } from './context.js';

/** Resolves after `ms` milliseconds (never, when undefined) or at the first SIGINT/SIGTERM. */
function untilStopped(ms: number | undefined): Promise<void> {
  const interrupt = listenForCancelSignal();
  // A signal listener does not keep Node's event loop alive, and simulated devices (or no
  // devices at all) need no I/O: hold the loop open until told to stop.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    if (ms !== undefined) timer = setTimeout(resolve, ms);
  });
  return Promise.race([interrupt.received, timedOut]).then(() => {
    interrupt.dispose();
    clearTimeout(timer);
    clearInterval(keepAlive);
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
