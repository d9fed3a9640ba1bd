import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CONFORMANCE_RULES } from '../rules.js';

const BIN = fileURLToPath(new URL('./openwia-conformance.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/targets.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built binary as a user would, without OPENWIA_DEVICE from the caller's environment. */
function run(...args: string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.OPENWIA_DEVICE;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('openwia-conformance <module>', () => {
  it('prints one PASS line per rule and the cancel latency, and exits 0, for a conforming plugin', async () => {
    const { code, stdout } = await run(FIXTURES, '--runs', '4');
    const lines = stdout.trim().split('\n');
    expect(code).to.equal(0);
    expect(lines[0]).to.match(/^file-store on virtual device sim-\d+ \(1d6b:0104 Conformance file store\)$/);
    expect(lines.slice(1, 1 + CONFORMANCE_RULES.length).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).to.deep.equal(CONFORMANCE_RULES.map((r) => `PASS ${r.id}`));
    expect(stdout).to.match(/latency {2}cancel → CANCEL_IO +median [\d.]+ ms, worst [\d.]+ ms \(4 runs\)/);
    expect(stdout).to.match(/latency {2}cancel → settled +median [\d.]+ ms, worst [\d.]+ ms \(4 runs\)/);
    expect(lines.at(-1)).to.equal('13/13 rules passed');
  });

  it('exits 1 and names the broken rule for a plugin that breaks one (--export picks the target)', async () => {
    const { code, stdout } = await run(FIXTURES, '--export', 'leaksInterface', '--runs', '1');
    expect(code).to.equal(1);
    const failing = stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(failing).to.have.length(1);
    expect(failing[0]).to.match(/^FAIL {2}releases-device +closing the session .* — after complete: interface 0 still claimed/);
    expect(stdout.trim().split('\n').at(-1)).to.equal('12/13 rules passed — file-store (leaks its interface) does not conform');
  });

  it('fails, rather than passes, when --device names hardware that is not there', async () => {
    const { code, stdout } = await run(FIXTURES, '--device', 'usb:04a9:1234');
    expect(code).to.equal(1);
    expect(stdout).to.include('FAIL  session');
    expect(stdout).to.include('device usb:04a9:1234 not found');
    expect(stdout).to.include('0/13 rules passed');
  });

  it('prints the report as JSON with --json', async () => {
    const { code, stdout } = await run(FIXTURES, '--json', '--runs', '2');
    const report = JSON.parse(stdout) as { passed: boolean; rules: unknown[]; latency: { cancelToSettled: { samples: number } } };
    expect(code).to.equal(0);
    expect(report.passed).to.equal(true);
    expect(report.rules).to.have.length(CONFORMANCE_RULES.length);
    expect(report.latency.cancelToSettled.samples).to.equal(2);
  });

  it('explains a module it cannot use, and exits 1', async () => {
    const missing = await run('./no/such/module.js');
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/^openwia-conformance: no conformance module at .*no\/such\/module\.js/);
    const wrongExport = await run(FIXTURES, '--export', 'nope');
    expect(wrongExport.stderr).to.include('has no export "nope" (exports: default, deliversSkippedItem, handWrittenLoop,');
  });

  it('documents itself with --help', async () => {
    const { code, stdout } = await run('--help');
    expect(code).to.equal(0);
    expect(stdout).to.include('Usage: openwia-conformance [options] <module>');
    for (const option of ['--export <name>', '--runs <n>', '--grace-ms <ms>', '--device <usb:VID:PID>', '--json']) expect(stdout).to.include(option);
  });
});
