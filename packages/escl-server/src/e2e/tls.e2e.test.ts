import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { WiaDevice } from '@openwia/core';
import { openEsclNetworkScanner } from '@openwia/device-plugins';
import { EsclServer } from '../escl-http-server.js';
import { openImageFeeder } from '@openwia/testkit';

function selfSignedCertificate(): { cert: Buffer; key: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'openwia-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSignedCertificate();

/** HTTPS: the server with a certificate, the eSCL plugin over TLS (escl:https://…). */
(tls ? describe : describe.skip)(`eSCL over HTTPS${tls ? '' : ' (skipped: openssl cannot make a test certificate)'}`, function () {
  this.timeout(30_000);
  let served: WiaDevice;
  let server: EsclServer;

  before(async () => {
    ({ device: served } = await openImageFeeder({}, 'tls:feeder'));
    server = await EsclServer.start([{ device: served, id: 'tls:feeder' }], { tls: tls! });
  });

  after(async () => {
    await server.close();
    await served.close();
  });

  it('serves https only, and the plugin acquires over TLS when told to trust the certificate', async () => {
    const url = server.urlOf(server.scanners[0]!);
    expect(url).to.match(/^https:\/\//);
    // An unverified self-signed certificate is refused by default…
    let refused: unknown;
    await openEsclNetworkScanner(`escl:${url}`).then((d) => d.close(), (err: unknown) => (refused = err));
    expect(refused).to.be.instanceOf(Error);
    // …and accepted when the app says so.
    const network = await openEsclNetworkScanner(`escl:${url}`, { allowSelfSigned: true });
    try {
      const result = await network.acquire('Root\\Feeder');
      expect(result.outcome).to.equal('completed');
      expect(result.items).to.have.length(3);
    } finally {
      await network.close();
    }
  });
});
