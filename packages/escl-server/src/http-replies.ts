import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { MAX_SCAN_SETTINGS_BYTES } from './escl-documents.js';

/** Sends an XML document. */
export function sendXml(res: ServerResponse, status: number, xml: string): void {
  const body = Buffer.from(xml, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(body.length), 'Cache-Control': 'no-cache' }).end(body);
}

/** Sends a status with an optional short plain-text explanation. */
export function sendStatus(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}, explanation?: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(explanation ? `${explanation.slice(0, 300)}\n` : '', 'utf8');
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length) }).end(body);
}

/**
 * Reads a request body of at most `limit` bytes; `undefined` when it is
 * larger (the rest is not read, the connection is closed after the answer).
 */
export async function readBoundedBody(req: IncomingMessage, limit = MAX_SCAN_SETTINGS_BYTES): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
