import { EsclXmlError, child, children, integer, parseEsclXml, text, texts } from './safe-xml.js';

/** `pwg:State` of the scanner. */
export type EsclScannerState = 'Idle' | 'Processing' | 'Testing' | 'Stopped' | 'Down';
/** `pwg:JobState` of a job. */
export type EsclJobState = 'Pending' | 'Processing' | 'Completed' | 'Canceled' | 'Aborted';

/** One job of `ScannerStatus`. */
export interface EsclJobInfo {
  /** The job's URI path, e.g. `/eSCL/ScanJobs/7`. */
  uri: string;
  state: EsclJobState;
  reasons: string[];
  imagesCompleted?: number;
}

/** A device's `ScannerStatus`. */
export interface EsclStatus {
  state: EsclScannerState;
  /** `scan:AdfState`, e.g. `ScannerAdfLoaded`, `ScannerAdfJam`, when the device has a feeder. */
  adfState?: string;
  jobs: EsclJobInfo[];
}

const SCANNER_STATES: readonly string[] = ['Idle', 'Processing', 'Testing', 'Stopped', 'Down'];
const JOB_STATES: readonly string[] = ['Pending', 'Processing', 'Completed', 'Canceled', 'Aborted'];

/** Parses a `scan:ScannerStatus` document; throws {@link EsclXmlError} on malformed input. */
export function parseStatus(body: Uint8Array | string): EsclStatus {
  const root = parseEsclXml(body, 'ScannerStatus');
  const state = text(root, 'State');
  if (state === undefined || !SCANNER_STATES.includes(state)) throw new EsclXmlError(`unknown scanner State ${JSON.stringify(state?.slice(0, 40))}`);
  const status: EsclStatus = { state: state as EsclScannerState, jobs: [] };
  const adf = text(root, 'AdfState');
  if (adf !== undefined) status.adfState = adf;
  for (const job of children(child(root, 'Jobs'), 'JobInfo')) {
    const uri = text(job, 'JobUri');
    const jobState = text(job, 'JobState');
    if (uri === undefined || jobState === undefined || !JOB_STATES.includes(jobState)) throw new EsclXmlError('a JobInfo lacks a JobUri or a known JobState');
    const info: EsclJobInfo = { uri, state: jobState as EsclJobState, reasons: [] };
    info.reasons = texts(child(job, 'JobStateReasons'), 'JobStateReason');
    const completed = integer(job, 'ImagesCompleted', 0, 1_000_000);
    if (completed !== undefined) info.imagesCompleted = completed;
    status.jobs.push(info);
  }
  return status;
}
