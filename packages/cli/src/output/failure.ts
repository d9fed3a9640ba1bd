import { CommanderError } from 'commander';
import { WiaError, formatHResult } from '@openwia/core';

/** The JSON document a failed `--json` command prints on stdout. */
export interface FailureDocument {
  error: {
    /** `WIA_ERROR_DESTINATION`, `E_INVALIDARG`, `commander.unknownOption`, … */
    code: string;
    /** The HRESULT as `0x8021…`, for a `WiaError`. */
    hresult: string | null;
    message: string;
  };
}

/** What a thrown value says, as a document. */
export function failureDocument(err: unknown): FailureDocument {
  if (err instanceof WiaError) return { error: { code: err.code, hresult: formatHResult(err.hresult), message: err.message } };
  if (err instanceof CommanderError) return { error: { code: err.code, hresult: null, message: err.message.replace(/^error: /, '') } };
  return { error: { code: 'E_FAIL', hresult: null, message: err instanceof Error ? err.message : String(err) } };
}

/** Reports a failed command: one JSON document on stdout with `--json`, else one line on stderr. */
export function reportFailure(err: unknown, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(failureDocument(err), null, 2)}\n`);
  else process.stderr.write(`openwia: ${err instanceof Error ? err.message : String(err)}\n`);
}
