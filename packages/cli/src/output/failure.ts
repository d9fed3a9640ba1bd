import { CommanderError } from 'commander';
import type { WiaError } from '@openwia/core';

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

/**
 * A `WiaError`, recognised by its shape: this module is loaded by every command, even `--help`,
 * and must not pull in the core to tell (a command that threw one has loaded it anyway).
 */
function isWiaError(err: unknown): err is WiaError {
  return err instanceof Error && typeof (err as Partial<WiaError>).hresult === 'number' && typeof (err as Partial<WiaError>).code === 'string';
}

/** What a thrown value says, as a document. */
export function failureDocument(err: unknown): FailureDocument {
  // The SDK's spelling of an HRESULT, as core's formatHResult prints it: 0x80070057.
  if (isWiaError(err)) return { error: { code: err.code, hresult: `0x${(err.hresult >>> 0).toString(16).padStart(8, '0')}`, message: err.message } };
  if (err instanceof CommanderError) return { error: { code: err.code, hresult: null, message: err.message.replace(/^error: /, '') } };
  return { error: { code: 'E_FAIL', hresult: null, message: err instanceof Error ? err.message : String(err) } };
}

/** Reports a failed command: one JSON document on stdout with `--json`, else one line on stderr. */
export function reportFailure(err: unknown, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(failureDocument(err), null, 2)}\n`);
  else process.stderr.write(`openwia: ${err instanceof Error ? err.message : String(err)}\n`);
}
