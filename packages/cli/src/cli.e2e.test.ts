import { expect } from 'chai';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.test-support.js';

describe('the openwia command (end to end, on the simulated devices)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'openwia-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function simConfig(value: unknown): Promise<string> {
    const path = join(dir, 'sim.json');
    await writeFile(path, JSON.stringify(value));
    return path;
  }

  it('--help describes every command', async () => {
    const help = await runCli(['--help']);
    expect(help.code).to.equal(0);
    for (const command of ['list', 'items', 'props', 'acquire', 'watch']) expect(help.stdout).to.include(command);
    const acquireHelp = await runCli(['acquire', '--help']);
    expect(acquireHelp.stdout).to.include('--out').and.include('Ctrl-C');
  });

  it('list --json shows both simulated devices ready with their plugins', async () => {
    const run = await runCli(['list', '--simulate', '--json']);
    expect(run.code).to.equal(0);
    const devices = JSON.parse(run.stdout) as Array<{ id: string; status: string; plugin: string }>;
    expect(devices.map((d) => [d.id, d.status, d.plugin])).to.deep.equal([
      ['sim:camera', 'ready', 'ptp'],
      ['sim:scanner', 'ready', 'escl'],
    ]);
  });

  it('items and props read the device; a bad property write gets a clear error', async () => {
    const items = JSON.parse((await runCli(['items', 'sim:scanner', '--simulate', '--json'])).stdout) as Array<{ fullName: string }>;
    expect(items.map((i) => i.fullName)).to.include('Root\\Feeder');
    const props = await runCli(['props', 'sim:scanner', 'Feeder', '--simulate', '--json']);
    expect(props.code).to.equal(0);
    const bad = await runCli(['props', 'sim:scanner', 'Feeder', 'WIA_IPS_XRES=123', '--simulate']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/WIA_IPS_XRES/);
  });

  it('acquires every photo of the camera and every page of the feeder into files', async () => {
    const camera = await runCli(['acquire', 'sim:camera', '--simulate', '--out', join(dir, 'camera'), '--json']);
    expect(camera.code, camera.stderr).to.equal(0);
    expect(JSON.parse(camera.stdout).items).to.have.length(5);
    expect((await readdir(join(dir, 'camera'))).sort()).to.deep.equal(['IMG_0001.JPG', 'IMG_0002.JPG', 'IMG_0003.JPG', 'IMG_0004.JPG', 'IMG_0005.JPG']);
    const config = await simConfig({ scanner: { pages: 4, speed: 'unlimited' } });
    const scanner = await runCli(['acquire', 'sim:scanner', '--sim-config', config, '--out', join(dir, 'scans')]);
    expect(scanner.code, scanner.stderr).to.equal(0);
    expect(scanner.stdout.trim().split('\n').pop()).to.match(/^acquired 4 items,/);
    expect((await readdir(join(dir, 'scans'))).sort()).to.deep.equal(['Page1.jpg', 'Page2.jpg', 'Page3.jpg', 'Page4.jpg']);
  });

  it("shows the camera's folders (DCIM/100CANON) and acquires a folder by its path", async () => {
    const items = JSON.parse((await runCli(['items', 'sim:camera', '--simulate', '--json'])).stdout) as Array<{ fullName: string; kind: string; depth: number }>;
    expect(items.filter((i) => i.fullName.startsWith('Root\\SD Card')).map((i) => [i.fullName, i.kind, i.depth])).to.deep.equal([
      ['Root\\SD Card', 'storage', 1],
      ['Root\\SD Card\\DCIM', 'folder', 2],
      ['Root\\SD Card\\DCIM\\100CANON', 'folder', 3],
      ['Root\\SD Card\\DCIM\\100CANON\\IMG_0004.JPG', 'image', 4],
      ['Root\\SD Card\\DCIM\\100CANON\\IMG_0005.JPG', 'image', 4],
    ]);
    const run = await runCli(['acquire', 'sim:camera', 'SD Card/DCIM/100CANON', '--simulate', '--out', join(dir, 'card')]);
    expect(run.code, run.stderr).to.equal(0);
    expect((await readdir(join(dir, 'card'))).sort()).to.deep.equal(['IMG_0004.JPG', 'IMG_0005.JPG']);
  });

  it('acquires every file of a camera exactly once, also where a storage holds files next to its folders', async () => {
    // Loose files on the card's root make the card a target of its own, and its folder transfer reaches into DCIM/100CANON.
    const config = await simConfig({ camera: { photos: 5, hostileObjects: true, tangledFolders: true, speed: 'unlimited' } });
    const run = await runCli(['acquire', 'sim:camera', '--sim-config', config, '--out', join(dir, 'all'), '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const summary = JSON.parse(run.stdout) as { items: Array<{ item: string; status: string }> };
    const names = summary.items.map((i) => i.item);
    expect(new Set(names).size, 'no item twice').to.equal(names.length);
    expect(names).to.have.length(5 + 7 + 3); // photos, hostile objects, files among the tangled folders
    expect(summary.items.every((i) => i.status === 'transferred')).to.equal(true);
    const files = await readdir(join(dir, 'all'));
    expect(files).to.have.length(names.length);
    expect(files.filter((f) => / \(\d+\)\./.test(f)), 'no file written twice under a numbered name').to.deep.equal([]);
  });

  it('Ctrl-C cancels: ends by SIGINT (status 130 in a shell), finished pages kept, no partial file, and it says so', async () => {
    const config = await simConfig({ scanner: { pages: 50, speed: 'usb1' } });
    const run = await runCli(['acquire', 'sim:scanner', '--sim-config', config, '--out', join(dir, 'scans')], { signals: [{ when: /Page2 +transferred/ }] });
    expect([run.signal, run.code], 'ended by SIGINT after its clean-up').to.deep.equal(['SIGINT', null]);
    expect(run.stdout).to.match(/^cancelled: kept \d+ items?,/m);
    const files = await readdir(join(dir, 'scans'));
    expect(files.some((f) => f.endsWith('.partial'))).to.equal(false);
    expect(files.length).to.be.within(2, 49);
    for (const f of files) expect((await stat(join(dir, 'scans', f))).size).to.be.greaterThan(0);
  });

  it('a second Ctrl-C quits at once (by SIGINT) and still leaves no partial file', async () => {
    const config = await simConfig({ scanner: { pages: 50, speed: 'usb1' } });
    const run = await runCli(['acquire', 'sim:scanner', '--sim-config', config, '--out', join(dir, 'scans')], { signals: [{ when: /Page2 +transferred/ }, { when: /cancelling/ }] });
    expect([run.signal, run.code]).to.deep.equal(['SIGINT', null]);
    expect(`${run.stdout}${run.stderr}`).to.match(/quitting without waiting/);
    expect((await readdir(join(dir, 'scans'))).some((f) => f.endsWith('.partial'))).to.equal(false);
  });

  it('a jam at page 3 fails with the typed error and keeps pages 1-2', async () => {
    const config = await simConfig({ scanner: { pages: 6, speed: 'unlimited', jamAtPage: 3 } });
    const run = await runCli(['acquire', 'sim:scanner', '--sim-config', config, '--out', join(dir, 'scans')]);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(/WIA_ERROR_PAPER_JAM/);
    expect((await readdir(join(dir, 'scans'))).sort()).to.deep.equal(['Page1.jpg', 'Page2.jpg']);
  });

  it('hostile names from the camera never leave the output directory', async () => {
    const config = await simConfig({ camera: { photos: 1, hostileObjects: true, speed: 'unlimited' } });
    const out = join(dir, 'deep', 'out');
    const run = await runCli(['acquire', 'sim:camera', '--sim-config', config, '--out', out, '--json']);
    const written = await readdir(out);
    expect(written.length).to.be.greaterThan(1);
    expect(await readdir(join(dir, 'deep'))).to.deep.equal(['out']);
    expect(await readdir(dir)).to.have.members(['deep', 'sim.json']);
    expect(run.stderr).to.not.match(/TypeError|at .*\.js/);
  });

  it('an unknown device and a bad config get clear errors', async () => {
    const unknown = await runCli(['items', 'sim:nope', '--simulate']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include("no device sim:nope; devices: sim:camera, sim:scanner (see: openwia list --simulate --no-usb)");
    const config = await simConfig({ scanner: { pagez: 3 } });
    const bad = await runCli(['list', '--sim-config', config]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/pagez/);
  });

  it('watch reports a new photo as WIA_EVENT_ITEM_CREATED', async () => {
    const config = await simConfig({ camera: { newPhotoEveryMs: 100 } });
    const run = await runCli(['watch', '--sim-config', config, '--for', '1500', '--json']);
    expect(run.code).to.equal(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; device: string });
    expect(events.some((e) => e.event === 'WIA_EVENT_ITEM_CREATED' && e.device === 'sim:camera')).to.equal(true);
  });
});
