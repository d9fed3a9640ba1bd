import { expect } from 'chai';
import { E_INVALIDARG, WiaError } from '@openwia/core';
import { loadSimConfig } from './sim-config.js';
import { parseSimConfig } from './sim-config-schema.js';

describe('--sim-config', () => {
  it('fills every key with its default', () => {
    const config = parseSimConfig({});
    expect(config.scanner.pages).to.equal(10);
    expect(config.camera.photos).to.equal(5);
    expect(config.camera.speed).to.equal('usb2');
  });

  it('--simulate without a file gets what the schema fills in for an empty file', async () => {
    expect(await loadSimConfig(undefined)).to.deep.equal(parseSimConfig({}));
  });

  it('{ "scanner": { "pages": 50, "speed": "usb2" } } is a 50-page feeder at USB 2.0 speed', () => {
    const config = parseSimConfig({ scanner: { pages: 50, speed: 'usb2' } });
    expect(config.scanner).to.include({ pages: 50, speed: 'usb2' });
  });

  it('names every bad key', () => {
    let error: unknown;
    try {
      parseSimConfig({ scanner: { pages: -1, sped: 'usb2' }, camera: { speed: 'usb9' } });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(WiaError);
    expect((error as WiaError).hresult).to.equal(E_INVALIDARG);
    expect((error as WiaError).message).to.match(/scanner\.pages/).and.match(/sped/).and.match(/camera\.speed/);
  });
});
