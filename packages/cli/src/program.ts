import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from './commands/demo.js';

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

/** The `openwia` command line. */
export function createProgram(): Command {
  const program = new Command('openwia')
    .description('OpenWIA: acquire images from cameras and scanners over userspace USB, the WIA 2.0 way')
    .version('0.1.0')
    .showHelpAfterError();

  program
    .command('demo')
    .description('run three transfers on an in-memory feeder: one with a skipped page, one cancelled mid-page, one after the cancel')
    .option('--pages <n>', 'pages in the feeder', positiveInt, 6)
    .option('--page-kib <n>', 'size of each page in KiB', positiveInt, 512)
    .option('--read-delay <ms>', 'milliseconds each 64 KiB read takes', nonNegativeInt, 2)
    .action(async (opts: { pages: number; pageKib: number; readDelay: number }) => {
      const problems = await runDemo({ pages: opts.pages, pageKiB: opts.pageKib, readDelayMs: opts.readDelay, out: (line) => console.log(line) });
      process.exitCode = problems === 0 ? 0 : 1;
    });

  return program;
}
