import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WIA_ERROR_DEVICE_COMMUNICATION, WiaError } from '@openwia/core';

/** The largest eSCL document accepted from a device (capabilities of big MFPs are ~50 KiB; a status with a long job history several hundred). */
export const MAX_ESCL_XML_BYTES = 1024 * 1024;
/** The deepest element nesting accepted (eSCL documents nest about 8 deep). */
export const MAX_ESCL_XML_DEPTH = 24;
/** The most elements of one list accepted (resolutions, color modes, jobs...). */
export const MAX_ESCL_LIST_LENGTH = 256;

/** Malformed or hostile XML from the device: a `WiaError` with `WIA_ERROR_DEVICE_COMMUNICATION`. */
export class EsclXmlError extends WiaError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(WIA_ERROR_DEVICE_COMMUNICATION, `eSCL: ${message}`, options);
    this.name = 'EsclXmlError';
  }
}

/** A parsed element: text content, child elements by local name (lists where repeated). */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const parser = new XMLParser({
  // Never expand entities (no billion laughs, no external references); eSCL needs none.
  processEntities: false,
  htmlEntities: false,
  // Prefixes vary between devices; eSCL local names do not collide between the scan and pwg namespaces.
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: true,
  maxNestedTags: MAX_ESCL_XML_DEPTH,
});

/**
 * Parses an eSCL document safely: bounded size, no DTD, well-formed, and the
 * expected root element. Returns the root element's content.
 */
export function parseEsclXml(body: Uint8Array | string, rootName: string): XmlNode {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size > MAX_ESCL_XML_BYTES) throw new EsclXmlError(`${rootName} is ${size} bytes, more than the ${MAX_ESCL_XML_BYTES} accepted`);
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new EsclXmlError(`${rootName} carries a DTD, which eSCL never uses`);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new EsclXmlError(`${rootName} is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let document: unknown;
  try {
    document = parser.parse(text);
  } catch (err) {
    throw new EsclXmlError(`${rootName} could not be parsed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const root = isNode(document) ? document[rootName] : undefined;
  if (!isNode(root)) throw new EsclXmlError(`expected a ${rootName} document`);
  return root;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The child elements named `name` (zero or more), bounded in number: more
 * than `limit` is an error. Lists whose length carries no risk (the document
 * size already bounds them) pass a larger limit.
 */
export function children(node: XmlNode | undefined, name: string, limit = MAX_ESCL_LIST_LENGTH): XmlNode[] {
  const value = node?.[name];
  if (value === undefined || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length > limit) throw new EsclXmlError(`more than ${limit} ${name} elements`);
  return list.map((v) => (isNode(v) ? v : {}));
}

/** The one child element `name`, or `undefined`. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** The texts of the elements `name` (zero or more). */
export function texts(node: XmlNode | undefined, name: string): string[] {
  const value = node?.[name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_ESCL_LIST_LENGTH) throw new EsclXmlError(`more than ${MAX_ESCL_LIST_LENGTH} ${name} elements`);
  return list.map((v) => {
    if (typeof v !== 'string') throw new EsclXmlError(`${name} should hold text`);
    return v;
  });
}

/** The text of the element `name`, or `undefined`. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  return texts(node, name)[0];
}

/** The integer in the element `name` (decimal digits, within [min, max]), or `undefined` when absent. */
export function integer(node: XmlNode | undefined, name: string, min = 0, max = 1_000_000): number | undefined {
  const raw = text(node, name);
  if (raw === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(raw)) throw new EsclXmlError(`${name} is not a number: ${JSON.stringify(raw.slice(0, 40))}`);
  const n = Number(raw);
  if (n < min || n > max) throw new EsclXmlError(`${name} ${n} is outside [${min}, ${max}]`);
  return n;
}
