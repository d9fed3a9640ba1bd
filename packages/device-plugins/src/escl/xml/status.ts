import { child, children, integer, parseEsclXml, text, texts, type XmlNode } from './safe-xml.js';

/** `pwg:State` of the scanner; `Unknown` for a value outside the PWG list (or none), which real firmware sends. */
export type EsclScannerState = 'Idle' | 'Processing' | 'Testing' | 'Stopped' | 'Down' | 'Unknown';
/** `pwg:JobState` of a job. */
export type EsclJobState = 'Pending' | 'Processing' | 'Completed' | 'Canceled' | 'Aborted';

/** One job of `ScannerStatus`. */
export interface EsclJobInfo {
  /** The job's URI path, e.g. `/eSCL/ScanJobs/7` (an absolute `JobUri` is reduced to its path). */
  uri: string;
  state: EsclJobState;
  reasons: string[];
  imagesCompleted?: number;
  /** `pwg:ImagesToTransfer`: pages scanned and still waiting to be fetched, when the device says. */
  imagesToTransfer?: number;
}

/** A device's `ScannerStatus`. */
export interface EsclStatus {
  state: EsclScannerState;
  /** `scan:AdfState`, e.g. `ScannerAdfLoaded`, `ScannerAdfJam`, when the device has a feeder. */
  adfState?: string;
  jobs: EsclJobInfo[];
  /** JobInfo entries skipped because they named no job or no known state. */
  skippedJobs: number;
}

const SCANNER_STATES: readonly string[] = ['Idle', 'Processing', 'Testing', 'Stopped', 'Down'];
const JOB_STATES: readonly string[] = ['Pending', 'Processing', 'Completed', 'Canceled', 'Aborted'];
/**
 * Real devices keep long job histories (ids in the 770s seen); the document
 * size limit bounds the memory, so the number of jobs is only sanity-checked.
 */
export const MAX_ESCL_JOBS = 10_000;

/**
 * Parses a `scan:ScannerStatus` document; throws {@link EsclXmlError} on
 * malformed XML. Tolerates what real firmware sends: an unknown `State`
 * (reported as `Unknown`), `JobInfo` entries without a `JobUri` or a known
 * `JobState` (skipped and counted), absolute `JobUri`s (reduced to paths).
 */
export function parseStatus(body: Uint8Array | string): EsclStatus {
  const root = parseEsclXml(body, 'ScannerStatus');
  const state = text(root, 'State');
  const status: EsclStatus = { state: state !== undefined && SCANNER_STATES.includes(state) ? (state as EsclScannerState) : 'Unknown', jobs: [], skippedJobs: 0 };
  const adf = text(root, 'AdfState');
  if (adf !== undefined) status.adfState = adf;
  for (const job of children(child(root, 'Jobs'), 'JobInfo', MAX_ESCL_JOBS)) {
    const info = parseJobInfo(job);
    if (info) status.jobs.push(info);
    else status.skippedJobs++;
  }
  return status;
}

function parseJobInfo(job: XmlNode): EsclJobInfo | undefined {
  const uri = text(job, 'JobUri');
  const jobState = text(job, 'JobState');
  if (uri === undefined || jobState === undefined || !JOB_STATES.includes(jobState)) return undefined;
  const path = jobUriPath(uri);
  if (path === undefined) return undefined;
  const info: EsclJobInfo = { uri: path, state: jobState as EsclJobState, reasons: texts(child(job, 'JobStateReasons'), 'JobStateReason') };
  const completed = integer(job, 'ImagesCompleted', 0, 1_000_000);
  if (completed !== undefined) info.imagesCompleted = completed;
  const toTransfer = integer(job, 'ImagesToTransfer', 0, 1_000_000);
  if (toTransfer !== undefined) info.imagesToTransfer = toTransfer;
  return info;
}

/** The path of a `JobUri` (a path, or an absolute URL some devices send), without a trailing slash. */
export function jobUriPath(uri: string): string | undefined {
  try {
    return new URL(uri, 'http://localhost').pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}
