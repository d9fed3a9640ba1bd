import { mkdir, open, readdir, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { WIA_ERROR_DESTINATION, WiaError } from '@openwia/core';

/** What the errno codes of a failed write mean, in words. */
const WRITE_FAILURES: Readonly<Record<string, string>> = {
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: "the file would exceed this process's file size limit",
  EIO: 'the storage reported an I/O error',
};

const codeOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Why a folder cannot be used, in words, for the errno codes a user meets. */
function reasonFor(err: unknown): string {
  const code = codeOf(err);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'ENOENT':
      // The parent exists (we only create one level at a time), so the file system refuses it (/proc, /sys).
      return 'this file system does not allow creating files or folders there';
    default:
      return (code && WRITE_FAILURES[code]) ?? messageOf(err);
  }
}

/** Why writing an item's file failed, in words, with the errno code to search for (`no space left on the device (ENOSPC)`). */
export function describeFileError(err: unknown): string {
  const code = codeOf(err);
  const words = code && WRITE_FAILURES[code];
  return words ? `${words} (${code})` : messageOf(err);
}

function destinationError(out: string, what: string, cause?: unknown): WiaError {
  const why = cause === undefined ? '' : `: ${reasonFor(cause)}`;
  return new WiaError(WIA_ERROR_DESTINATION, `--out ${out}: ${what}${why}`, cause === undefined ? {} : { cause });
}

/** The folders of `dir` that do not exist yet, outermost first; throws when a part of it is a file. */
async function missingFolders(out: string, dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    try {
      if (!(await stat(at)).isDirectory()) throw destinationError(out, `${at} is a file, not a folder`);
      return missing;
    } catch (err) {
      if (err instanceof WiaError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw destinationError(out, `cannot use ${at}`, err);
      missing.unshift(at);
    }
  }
}

/**
 * Makes sure `out` is a folder this process can write files into, creating it (and its missing
 * parents) when needed, before any device work starts. Throws a `WiaError`
 * (`WIA_ERROR_DESTINATION`) that names the path and says why in words.
 *
 * Folders are created one level at a time: `mkdir(…, { recursive: true })` spins forever on
 * Node 20 under pseudo file systems such as /proc, where every level reports ENOENT.
 * Writability is proven by creating a file, because `access(W_OK)` says yes to root on /proc.
 */
export async function prepareOutputFolder(out: string): Promise<string> {
  const dir = resolve(out);
  for (const folder of await missingFolders(out, dir)) {
    try {
      await mkdir(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw destinationError(out, `cannot create the folder ${folder}`, err);
    }
  }
  const probe = join(dir, `.openwia-write-test-${process.pid}`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (err) {
    throw destinationError(out, `cannot write files into ${dir}`, err);
  }
  await unlink(probe);
  return dir;
}

/** The partial file name of an item being written by process `pid`: `NAME.<pid>.partial`. */
export function partialName(name: string, pid: number = process.pid): string {
  return `${name}.${pid}.partial`;
}

const PARTIAL = /\.(\d+)\.partial$/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What {@link sweepStalePartials} did. */
export interface StalePartials {
  /** Partial files of processes that no longer run (killed, e.g. SIGKILL or a crash), now removed. */
  removed: string[];
  /** `*.partial` files whose writer cannot be told: left alone, for the user to judge. */
  unknown: string[];
}

/**
 * Removes partial files that a killed earlier run left in `dir`. A partial file carries its
 * writer's process id ({@link partialName}); one whose process is gone is stale. Partial files of
 * running processes (another `openwia` writing into the same folder) are never touched.
 */
export async function sweepStalePartials(dir: string): Promise<StalePartials> {
  const result: StalePartials = { removed: [], unknown: [] };
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.partial')) continue;
    const pid = Number(PARTIAL.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(pid) || pid <= 0) result.unknown.push(name);
    else if (pid !== process.pid && !isRunning(pid)) {
      await rm(join(dir, name), { force: true });
      result.removed.push(name);
    }
  }
  return result;
}
