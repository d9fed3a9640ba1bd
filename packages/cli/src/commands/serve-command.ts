// Only commander is loaded here: the server, the core and the plugins load when `serve` runs,
// so that `openwia --help` does not pay for them.
import { InvalidArgumentError, type Command } from 'commander';
import type { GlobalOptions } from './context.js';
import type { ServeCommandOptions } from './serve.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return n;
}

/** Adds `openwia serve` to the program. */
export function registerServeCommand(program: Command, globals: (command: Command) => GlobalOptions): void {
  program
    .command('serve')
    .argument('[devices...]', 'device ids to serve (default: every device with a flatbed or feeder)')
    .option('--host <address>', 'address to listen on; anything but loopback exposes the devices to the network', '127.0.0.1')
    .option('--port <n>', 'TCP port (0 = any free port)', port, 8090)
    .option('--no-mdns', 'do not advertise the scanners over DNS-SD (_uscan._tcp; never done on loopback)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key; advertised as _uscans._tcp)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .description('serve devices with a flatbed or feeder to the network as eSCL (AirScan) scanners until Ctrl-C')
    .action(async (devices: string[], opts: Omit<ServeCommandOptions, keyof GlobalOptions>, command: Command) => {
      const { serveCommand } = await import('./serve.js');
      await serveCommand(devices, { ...globals(command), ...opts });
    });
}
