import { expect } from 'chai';
import fc from 'fast-check';
import { PtpContainerCodec } from './ptp-container.js';
import { PtpProtocolError } from './ptp-errors.js';

/** A container as a device would send it, built by hand (not with the codec under test). */
function container(length: number, type: number, code: number, transactionId: number, params: number[] = [], declared = length): Uint8Array {
  const bytes = new Uint8Array(length);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, declared, true);
  dv.setUint16(4, type, true);
  dv.setUint16(6, code, true);
  dv.setUint32(8, transactionId, true);
  params.forEach((p, i) => dv.setUint32(12 + i * 4, p, true));
  return bytes;
}

function protocolFault(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(PtpProtocolError);
    return (err as PtpProtocolError).fault;
  }
  throw new Error('expected a PtpProtocolError');
}

describe('PtpContainerCodec', () => {
  it('encodes a command: length, type 1, code, transaction id, parameters, little endian', () => {
    const bytes = PtpContainerCodec.encodeCommand(0x101b, 7, [0x11223344, 0, 512]);
    expect([...bytes]).to.deep.equal([24, 0, 0, 0, 1, 0, 0x1b, 0x10, 7, 0, 0, 0, 0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0, 0, 2, 0, 0]);
  });

  it('refuses a command with more than five parameters', () => {
    expect(() => PtpContainerCodec.encodeCommand(0x1001, 1, [1, 2, 3, 4, 5, 6])).to.throw(RangeError);
  });

  it('decodes a response with its parameters', () => {
    expect(PtpContainerCodec.decodeResponse(container(20, 3, 0x2001, 9, [5, 6]))).to.deep.equal({ type: 3, code: 0x2001, transactionId: 9, params: [5, 6] });
  });

  it('accepts the "over 4 GiB" length marker only on data containers', () => {
    expect(PtpContainerCodec.decodeHeader(container(12, 2, 0x1009, 1, [], 0xffffffff)).length).to.equal(0xffffffff);
    expect(protocolFault(() => PtpContainerCodec.decodeResponse(container(12, 3, 0x2001, 1, [], 0xffffffff)))).to.equal('length');
  });

  it('rejects short headers, unknown types and impossible lengths with typed faults', () => {
    expect(protocolFault(() => PtpContainerCodec.decodeHeader(new Uint8Array(11)))).to.equal('truncated');
    expect(protocolFault(() => PtpContainerCodec.decodeHeader(container(12, 9, 0x2001, 1)))).to.equal('type');
    expect(protocolFault(() => PtpContainerCodec.decodeHeader(container(12, 3, 0x2001, 1, [], 4)))).to.equal('length');
    expect(protocolFault(() => PtpContainerCodec.decodeResponse(container(36, 3, 0x2001, 1, [1, 2, 3, 4, 5, 6])))).to.equal('length');
    expect(protocolFault(() => PtpContainerCodec.decodeResponse(container(14, 3, 0x2001, 1, [], 14)))).to.equal('length');
    expect(protocolFault(() => PtpContainerCodec.decodeResponse(container(16, 3, 0x2001, 1, [], 20)))).to.equal('truncated');
    expect(protocolFault(() => PtpContainerCodec.decodeEvent(container(28, 4, 0x4002, 1, [1, 2, 3, 4])))).to.equal('length');
    expect(protocolFault(() => PtpContainerCodec.decodeResponse(container(12, 4, 0x4002, 1)))).to.equal('type');
  });

  it('round-trips any command through a hand-written decoder', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 5 }), (code, tid, params) => {
        const bytes = PtpContainerCodec.encodeCommand(code, tid, params);
        const dv = new DataView(bytes.buffer);
        expect(dv.getUint32(0, true)).to.equal(bytes.length);
        expect([dv.getUint16(4, true), dv.getUint16(6, true), dv.getUint32(8, true)]).to.deep.equal([1, code, tid]);
        expect(params.map((_, i) => dv.getUint32(12 + i * 4, true))).to.deep.equal(params);
      }),
    );
  });

  it('decodes any bytes from a device into a container or a PtpProtocolError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        for (const decode of [PtpContainerCodec.decodeHeader, PtpContainerCodec.decodeResponse, PtpContainerCodec.decodeEvent]) {
          try {
            const result = decode(bytes);
            expect(result.transactionId).to.be.within(0, 0xffffffff);
          } catch (err) {
            expect(err).to.be.instanceOf(PtpProtocolError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a response decodes only when its length field, its size and its parameter count all agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 64 }), (paramCount, declared) => {
        const bytes = container(12 + paramCount * 4, 3, 0x2001, 1, new Array(paramCount).fill(1), declared);
        const valid = declared === bytes.length && paramCount <= 5;
        if (valid) expect(PtpContainerCodec.decodeResponse(bytes).params).to.have.length(paramCount);
        else expect(() => PtpContainerCodec.decodeResponse(bytes)).to.throw(PtpProtocolError);
      }),
    );
  });
});
