import { expect } from 'chai';
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WIA_ERROR_DEVICE_COMMUNICATION, WiaError } from '@openwia/core';
import { createVirtualScanner } from '@openwia/testkit';
import { DEFAULT_RETRY, EsclClient, LOCAL_HOSTS, jobPath } from './escl-client.js';
import { HttpAgentClient } from './ipp-usb/ipp-usb-client.js';
import { openScanner } from './escl-test-support.js';

function refusal(location: string): WiaError {
  try {
    jobPath(location);
  } catch (err) {
    return err as WiaError;
  }
  throw new Error(`${location} was accepted`);
}

describe('eSCL job Location', () => {
  it('accepts the forms real devices send: a path, an absolute URL on the device, UUID ids, a trailing slash', () => {
    expect(jobPath('/eSCL/ScanJobs/7')).to.equal('/eSCL/ScanJobs/7');
    expect(jobPath('http://localhost:60000/eSCL/ScanJobs/7/')).to.equal('/eSCL/ScanJobs/7');
    expect(jobPath('http://127.0.0.1/eSCL/ScanJobs/f6f17dc4-536e-4bcb-b622-5d25bb6880be')).to.equal('/eSCL/ScanJobs/f6f17dc4-536e-4bcb-b622-5d25bb6880be');
  });

  it('a network scanner served under a prefix: its own host and base path, mapped back to /eSCL', () => {
    const hosts = [...LOCAL_HOSTS, '192.0.2.7'];
    expect(jobPath('http://192.0.2.7:8080/office/eSCL/ScanJobs/9', hosts, '/office/eSCL')).to.equal('/eSCL/ScanJobs/9');
    expect(jobPath('/office/eSCL/ScanJobs/9', hosts, '/office/eSCL')).to.equal('/eSCL/ScanJobs/9');
    expect(() => jobPath('/eSCL/ScanJobs/9', hosts, '/office/eSCL')).to.throw(/outside \/office\/eSCL\/ScanJobs\//);
    expect(() => jobPath('/lab/eSCL/ScanJobs/9', hosts, '/office/eSCL')).to.throw(WiaError);
  });

  it('another host, a climb out with ../ and a path outside /eSCL/ScanJobs/ are protocol errors that say why', () => {
    const cases: Array<[string, RegExp]> = [
      ['http://evil.example/eSCL/ScanJobs/7', /another host \(evil\.example\)/],
      ['/eSCL/ScanJobs/../../etc/passwd', /"\.\." segment/],
      ['http://localhost/eSCL/ScanJobs/%2e%2e/x', /"\.\." segment/],
      ['/eSCL/ScannerStatus', /outside \/eSCL\/ScanJobs\//],
      ['/eSCL/ScanJobs/', /outside|one job/],
      ['/eSCL/ScanJobs/7/NextDocument', /does not name one job/],
      ['file:///eSCL/ScanJobs/7', /scheme file:/],
    ];
    for (const [location, why] of cases) {
      const error = refusal(location);
      expect(error.hresult, location).to.equal(WIA_ERROR_DEVICE_COMMUNICATION);
      expect(error.message, location).to.match(/protocol error/).and.match(why);
    }
  });

  it('a scanner that answers a hostile Location fails the acquire with that protocol error, not "the feeder is empty"', async () => {
    const fixture = await openScanner({ feederSheets: 3 });
    try {
      for (const location of ['http://10.0.0.9/eSCL/ScanJobs/1', '/eSCL/ScanJobs/../../eSCL/ScannerStatus']) {
        fixture.scanner.control.locationOverride = location;
        const report = await fixture.device.createTransfer('Root\\Feeder').transfer('download', 0, { TransferCallback: () => 0, GetNextStream: () => ({ hr: 1 }) });
        expect(report.outcome, location).to.equal('failed');
        expect(report.error?.hresult, location).to.equal(WIA_ERROR_DEVICE_COMMUNICATION);
        expect(report.error?.message, location).to.match(/protocol error/).and.not.match(/feeder is empty/);
      }
      fixture.scanner.control.locationOverride = undefined;
      expect(fixture.scanner.control.state, 'the orphaned jobs were deleted').to.equal('Idle');
    } finally {
      await fixture.device.close();
    }
  });
});

describe('eSCL client HTTP seam', () => {
  it('runs on any http.Agent: the same client scans from the virtual scanner served on loopback TCP', async () => {
    const scanner = createVirtualScanner({ maxWidth: 300, maxHeight: 400, resolutions: [75], feederSheets: 1 });
    await new Promise<void>((resolve) => scanner.server.server.listen(0, '127.0.0.1', resolve));
    const { port } = scanner.server.server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const http = new HttpAgentClient(agent, { host: '127.0.0.1', port });
    const escl = new EsclClient(http, DEFAULT_RETRY);
    const signal = new AbortController().signal;
    try {
      expect((await escl.capabilities(signal)).makeAndModel).to.equal('OpenWIA Virtual Scanner');
      const settings = { inputSource: 'Platen', duplex: false, colorMode: 'RGB24', resolution: 75, documentFormat: 'image/jpeg', region: { x: 0, y: 0, width: 300, height: 400 } } as const;
      const job = await escl.createJob(settings, signal);
      expect(job).to.equal('/eSCL/ScanJobs/1');
      const page = await escl.nextDocument(job, signal);
      const bytes = await page!.readAll(10 * 1024 * 1024, signal);
      expect(bytes.subarray(0, 2).toString('hex')).to.equal('ffd8');
      expect(await escl.nextDocument(job, signal)).to.equal(undefined);
      expect(scanner.control.jobs[0]!.state).to.equal('Completed');
    } finally {
      http.close();
      await new Promise((resolve) => scanner.server.server.close(resolve));
    }
  });
});
