// Only commander is loaded up front: each command imports what it needs (core, plugins, and the
// testkit only for --simulate) when it runs, so `openwia --help` starts as fast as Node itself.
import { Command, InvalidArgumentError } from 'commander';
import type { AcquireCommandOptions } from './commands/acquire.js';
import type { GlobalOptions } from './commands/context.js';
import { registerServeCommand } from './commands/serve-command.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const SIM_HELP = `
Simulation (--simulate, or --sim-config FILE which implies it) adds two devices:
  sim:camera   a PTP camera with JPEG photos on two storages
  sim:scanner  an eSCL scanner over IPP-USB with a document feeder
A --sim-config file is JSON, every key optional, for example:
  { "scanner": { "pages": 50, "speed": "usb2" }, "camera": { "photos": 8, "speed": "usb2" } }
See docs/cli.md for every key.`;

/** Options of {@link createProgram}. */
export interface ProgramOptions {
  /** `--json` is on the command line: usage errors are left to the caller to report as JSON. */
  json?: boolean;
}

/**
 * The `openwia` command line. Commander's exits become `CommanderError`s (exitOverride), so
 * the caller decides the exit status and how a usage error is reported.
 */
export function createProgram(options: ProgramOptions = {}): Command {
  const program = new Command('openwia')
    .exitOverride()
    .configureOutput(options.json ? { writeErr: () => undefined, outputError: () => undefined } : {})
    .description('OpenWIA: acquire images from cameras and scanners over userspace USB, the WIA 2.0 way')
    .version('0.1.0')
    .option('--simulate', 'add the virtual camera (sim:camera) and scanner (sim:scanner)')
    .option('--sim-config <file>', 'JSON settings and faults for the simulated devices (implies --simulate)')
    .option('--no-usb', 'do not look at real USB devices')
    .option('--json', 'print one JSON document instead of text')
    .addHelpText('after', SIM_HELP)
    .showHelpAfterError();

  const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>();

  program
    .command('list')
    .description('list USB imaging devices: ready, unsupported, or inaccessible (and how to fix it)')
    .action(async (_opts: unknown, command: Command) => (await import('./commands/list.js')).listCommand(globals(command)));

  program
    .command('items')
    .argument('<device>', 'device id from `openwia list` (e.g. sim:camera)')
    .description("show a device's item tree")
    .action(async (device: string, _opts: unknown, command: Command) => (await import('./commands/items.js')).itemsCommand(device, globals(command)));

  program
    .command('props')
    .argument('<device>', 'device id')
    .argument('<item>', 'item: full name (Root\\Feeder), path (Feeder) or unique name')
    .argument('[assignments...]', 'NAME=VALUE properties to write first (validated by the device)')
    .description("show an item's properties, writing any NAME=VALUE given first")
    .action(async (device: string, item: string, assignments: string[], _opts: unknown, command: Command) =>
      (await import('./commands/props.js')).propsCommand(device, item, assignments, globals(command)),
    );

  program
    .command('acquire')
    .argument('<device>', 'device id')
    .argument('[items...]', 'items or folders to acquire (default: the feeder, or every folder of pictures)')
    .requiredOption('-o, --out <dir>', 'directory for the acquired files')
    .option('--overwrite', 'replace existing files (default: keep them and number the new ones)')
    .option('--set <NAME=VALUE>', 'write an item property before acquiring (repeatable)', collect)
    .description('acquire items into files with progress; Ctrl-C cancels (ends by the signal: status 130; SIGTERM: 143), a second Ctrl-C quits at once')
    .action(async (device: string, items: string[], opts: AcquireCommandOptions, command: Command) => {
      const [{ acquireCommand, exitCodeFor }, { endBySignal }] = await Promise.all([import('./commands/acquire.js'), import('./session/interrupt.js')]);
      const summary = await acquireCommand(device, items, { ...globals(command), ...opts });
      process.exitCode = exitCodeFor(summary);
      if (summary.outcome === 'cancelled' && summary.signal) endBySignal(summary.signal);
    });

  program
    .command('watch')
    .option('--for <ms>', 'stop after this many milliseconds', nonNegativeInt)
    .description('print device attach/detach and new-item events until Ctrl-C')
    .action(async (opts: { for?: number }, command: Command) => (await import('./commands/watch.js')).watchCommand({ ...globals(command), ...opts }));

  program
    .command('demo')
    .description('run three transfers on an in-memory feeder: one with a skipped page, one cancelled mid-page, one after the cancel')
    .option('--pages <n>', 'pages in the feeder', positiveInt, 6)
    .option('--page-kib <n>', 'size of each page in KiB', positiveInt, 512)
    .option('--read-delay <ms>', 'milliseconds each 64 KiB read takes', nonNegativeInt, 2)
    .action(async (opts: { pages: number; pageKib: number; readDelay: number }, command: Command) => {
      const json = globals(command).json === true;
      const [{ runDemo }, { printJson }] = await Promise.all([import('./commands/demo.js'), import('./commands/context.js')]);
      const report = await runDemo({ pages: opts.pages, pageKiB: opts.pageKib, readDelayMs: opts.readDelay, out: json ? () => undefined : (line) => console.log(line) });
      if (json) printJson(report);
      process.exitCode = report.problems.length === 0 ? 0 : 1;
    });

  registerServeCommand(program, globals);
  return program;
}
