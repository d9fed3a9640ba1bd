import { Command, InvalidArgumentError } from 'commander';
import { installEmulatedUsbTransports, rerunUnderUmockdev } from '../usbfs-bridge/emulated-transport.js';
import { underUmockdevPreload } from '../usbfs-bridge/usbfs-bridge.js';
import { loadConformanceTarget } from './load-target.js';
import { formatConformanceReport } from './report-format.js';
import { runConformance } from './run-conformance.js';
import { OPENWIA_DEVICE_ENV } from './target.js';

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

interface CliOptions {
  export: string;
  runs: number;
  graceMs?: number;
  timeoutMs?: number;
  device?: string;
  usbfs?: boolean;
  json?: boolean;
}

/** Where the command writes (replaceable in tests). */
export interface ConformanceCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Sets the process exit code (0: every rule passed, 1: a rule failed or the module is not usable). */
  exit: (code: number) => void;
}

const defaultIo: ConformanceCliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  exit: (code) => {
    process.exitCode = code;
  },
};

/** The `openwia-conformance <module>` command line. */
export function createConformanceProgram(io: ConformanceCliIo = defaultIo): Command {
  return new Command('openwia-conformance')
    .description(
      'Runs the OpenWIA plugin conformance suite against the plugin and virtual device that <module> exports, and prints one line per ' +
        'rule (PASS/FAIL and why) and the measured cancel latency. Exits 1 when any rule fails.',
    )
    .argument('<module>', "a module whose default export is a conformance target { plugin, device } (or a function returning one); a path or a package name")
    .option('-e, --export <name>', 'take the target from this named export instead of the default export', 'default')
    .option('-r, --runs <n>', 'cancelled transfers to time for the latency figures', nonNegativeInt, 20)
    .option('-g, --grace-ms <ms>', "watchdog grace period: a plugin must settle by itself within it after a cancel (default: the target's, else 2000)", positiveInt)
    .option('-t, --timeout-ms <ms>', 'a transfer still running after this long is cancelled and its rule fails', positiveInt)
    .option('-d, --device <usb:VID:PID>', `run on this real USB device instead of the virtual one (default: $${OPENWIA_DEVICE_ENV}); fails when it is not found`)
    .option('--usbfs', 'serve the virtual device to the real USB stack (node-usb → libusb → usbfs, emulated by umockdev) and run the plugin there; re-runs itself under umockdev-wrapper')
    .option('--json', 'print the report as JSON instead of text')
    .showHelpAfterError()
    .action(async (module: string, opts: CliOptions) => {
      try {
        if (opts.usbfs && !underUmockdevPreload()) return io.exit(await rerunUnderUmockdev());
        if (opts.usbfs) installEmulatedUsbTransports();
        const loaded = await loadConformanceTarget(module, { exportName: opts.export });
        const target = opts.graceMs !== undefined ? { ...loaded, graceMs: opts.graceMs } : loaded;
        const report = await runConformance(target, {
          latencyRuns: opts.runs,
          ...(opts.timeoutMs !== undefined ? { transferTimeoutMs: opts.timeoutMs } : {}),
          ...(opts.device !== undefined ? { hardware: opts.device } : {}),
        });
        if (opts.usbfs && !opts.json) io.out('over the real USB stack: NodeUsbBackend → node-usb → libusb → usbfs (umockdev)');
        if (opts.json) io.out(JSON.stringify(report, null, 2));
        else formatConformanceReport(report).forEach((line) => io.out(line));
        io.exit(report.passed ? 0 : 1);
      } catch (err) {
        io.err(`openwia-conformance: ${err instanceof Error ? err.message : String(err)}`);
        io.exit(1);
      }
    });
}
