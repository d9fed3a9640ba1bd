import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ServeProcess } from './serve-process.test-support.js';
import { AirscanConfig, airscanMissing, pnmGeometry } from '../../../escl-server/dist/e2e/sane-airscan-test-support.js';

const missing = airscanMissing();

(missing ? describe.skip : describe)(`openwia serve --simulate with sane-airscan${missing ? ` (skipped: ${missing})` : ''}`, function () {
  this.timeout(120_000);
  let serve: ServeProcess;
  let sane: AirscanConfig;
  let dir: string;
  let origin: string;
  const SCANNER = 'OpenWIA sim scanner';
  const FEEDER = 'OpenWIA sim feeder';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-serve-'));
    const config = join(dir, 'sim.json');
    // A slow USB 1 bus and JPEG pages (over 100 KB each, against 5–10 KB of PNG), so that a page takes a while to
    // arrive and Ctrl-C can land while it does; duplex for the duplex batch.
    await writeFile(config, JSON.stringify({ scanner: { pages: 50, duplex: true, speed: 'usb1', format: 'image/jpeg' } }));
    const started = await ServeProcess.start(['--sim-config', config]);
    serve = started.serve;
    origin = started.origin;
    sane = new AirscanConfig([
      { name: SCANNER, url: `${origin}/sim-scanner/eSCL` },
      { name: FEEDER, url: `${origin}/sim-feeder/eSCL` },
    ]);
  });

  after(async () => {
    sane?.remove();
    expect(await serve?.stop()).to.equal(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the virtual eSCL scanner and the non-eSCL feeder: scanimage -L and -A', async () => {
    const list = await sane.run(['-L']);
    expect(list.stdout).to.contain(`\`${sane.deviceName(0, SCANNER)}' is a eSCL ${SCANNER}`).and.contain(`\`${sane.deviceName(1, FEEDER)}'`);
    const options = await sane.run(['-d', sane.deviceName(0, SCANNER), '-A']);
    expect(options.stdout).to.match(/--source Flatbed\|ADF\|ADF Duplex \[Flatbed\]/);
    expect(options.stdout).to.match(/--resolution 150dpi/);
  });

  it('a flatbed scan is one valid image of the requested size', async () => {
    // 100 mm x 50 mm at 150 dpi.
    const result = await sane.run(['-d', sane.deviceName(0, SCANNER), '--source', 'Flatbed', '-x', '100', '-y', '50', '--format=pnm', '-o', 'flat.pnm']);
    expect(result.code, result.stderr).to.equal(0);
    const { width, height } = pnmGeometry(sane.file('flat.pnm'));
    expect([width, height]).to.deep.equal([Math.round((100 / 25.4) * 150), Math.round((50 / 25.4) * 150)]);
  });

  it('a feeder batch on the non-eSCL sim:feeder gives its three pages', async () => {
    const result = await sane.run(['-d', sane.deviceName(1, FEEDER), '--source', 'ADF', '--format=pnm', '--batch=feeder%d.pnm']);
    expect(result.stderr).to.contain('Batch terminated, 3 pages scanned');
    for (const n of [1, 2, 3]) expect(pnmGeometry(sane.file(`feeder${n}.pnm`))).to.deep.include({ width: 850, height: 1100 });
  });

  it('a simplex and a duplex batch of the scanner count pages per side', async () => {
    const simplex = await sane.run(['-d', sane.deviceName(0, SCANNER), '--source', 'ADF', '--batch-count=2', '-x', '50', '-y', '50', '--format=pnm', '--batch=simplex%d.pnm']);
    expect(simplex.stderr).to.contain('2 pages scanned');
    const duplex = await sane.run(['-d', sane.deviceName(0, SCANNER), '--source', 'ADF Duplex', '--batch-count=4', '-x', '50', '-y', '50', '--format=pnm', '--batch=duplex%d.pnm']);
    expect(duplex.stderr).to.contain('4 pages scanned');
    for (const n of [1, 2, 3, 4]) expect(pnmGeometry(sane.file(`duplex${n}.pnm`)).width).to.equal(Math.round((50 / 25.4) * 150));
  });

  it('SIGINT mid-job: CANCEL_IO at the driver, the job ends Canceled, and the next scan works', async () => {
    const before = serve.output.length;
    const scan = sane.start(['-d', sane.deviceName(0, SCANNER), '--source', 'ADF', '--format=pnm', '--batch=cut%d.pnm']);
    // Interrupt while the job's first page is still arriving (about a second on the USB 1 bus), not later:
    // sane-airscan acts on a cancel only while a page it has not fully received is being read (see the SIGINT
    // test in escl-server's sane-airscan.e2e.test.ts).
    let ended = false;
    void once(scan, 'exit').then(() => (ended = true));
    for (;;) {
      if (ended) throw new Error('scanimage ended before the interrupt');
      const status = await (await fetch(`${origin}/sim-scanner/eSCL/ScannerStatus`)).text();
      // The running job's entry (the status lists earlier jobs too).
      const running = /<pwg:ImagesCompleted>(\d+)<\/pwg:ImagesCompleted>(?:(?!<\/scan:JobInfo>).)*<pwg:JobState>Processing</.exec(status);
      if (running) {
        if (running[1] !== '0') throw new Error(`the job had delivered ${running[1]} page(s) before it was seen running: the interrupt would not land mid-page`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const exited = ended ? Promise.resolve() : once(scan, 'exit');
    scan.kill('SIGINT');
    await exited;
    await serve.waitFor(/sim:scanner: job \S+ Canceled/);
    const log = serve.output.slice(before);
    expect(log.match(/driver received WIA_EVENT_CANCEL_IO/g)).to.have.length(1);
    const next = await sane.run(['-d', sane.deviceName(0, SCANNER), '--source', 'Flatbed', '-x', '20', '-y', '20', '--format=pnm', '-o', 'after.pnm']);
    expect(next.code, next.stderr).to.equal(0);
    expect(pnmGeometry(sane.file('after.pnm')).width).to.equal(Math.round((20 / 25.4) * 150));
  });
});

(missing ? describe.skip : describe)(`openwia serve: a feeder jam reaches sane-airscan${missing ? ` (skipped: ${missing})` : ''}`, function () {
  this.timeout(120_000);
  let serve: ServeProcess;
  let sane: AirscanConfig;
  let dir: string;
  let origin: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-serve-'));
    const config = join(dir, 'sim.json');
    await writeFile(config, JSON.stringify({ scanner: { pages: 5, jamAtPage: 3 } }));
    ({ serve, origin } = await ServeProcess.start(['--sim-config', config, 'sim:scanner']));
    sane = new AirscanConfig([{ name: 'Jam', url: `${origin}/sim-scanner/eSCL` }]);
  });

  after(async () => {
    sane?.remove();
    expect(await serve?.stop()).to.equal(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the pages before the jam, reports "Document feeder jammed" and AdfState ScannerAdfJam', async () => {
    const batch = await sane.run(['-d', sane.deviceName(0, 'Jam'), '--source', 'ADF', '-x', '50', '-y', '50', '--format=pnm', '--batch=jam%d.pnm']);
    expect(batch.stderr).to.contain('Document feeder jammed').and.contain('Batch terminated, 2 pages scanned');
    for (const n of [1, 2]) expect(pnmGeometry(sane.file(`jam${n}.pnm`)).width).to.equal(Math.round((50 / 25.4) * 150));
    const status = await (await fetch(`${origin}/sim-scanner/eSCL/ScannerStatus`)).text();
    expect(status).to.contain('<scan:AdfState>ScannerAdfJam</scan:AdfState>').and.contain('<pwg:JobState>Aborted</pwg:JobState>');
    const logged = await serve.waitFor(/sim:scanner: job \S+ (\w+), (\d+) page\(s\) scanned \((WIA_ERROR_\w+)/);
    expect(logged.slice(1)).to.deep.equal(['Aborted', '2', 'WIA_ERROR_PAPER_JAM']);
  });
});
