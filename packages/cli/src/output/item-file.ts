import { rmSync } from 'node:fs';
import { open, link, rename, unlink, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { WIA_ERROR_DESTINATION, WiaError } from '@openwia/core';
import { describeFileError, partialName } from './output-folder.js';
import { numberedName, resolveInside, safeFileName } from './safe-file-name.js';

/** Options of {@link ItemFile.create}. */
export interface ItemFileOptions {
  /** Replace an existing file of the same name (default: pick `name (2).ext`). */
  overwrite?: boolean;
  /**
   * Partial files being created right now: a path is in it from just before
   * its creation until `create` returns, so that a forced quit in between
   * (a second Ctrl-C) can remove a file no `ItemFile` owns yet.
   */
  creating?: Set<string>;
}

/**
 * The destination of one acquired item: bytes go to `<name>.<pid>.partial` and
 * the file takes its final name only when the item is complete, so an existing
 * file is never clobbered (unless asked) and a cancelled or failed item leaves
 * nothing behind. The process id in the partial name lets a later run tell a
 * partial file of a killed run from one another process is still writing.
 */
export class ItemFile extends Writable {
  private finalPath: string | undefined;
  /** Bytes written so far. */
  bytesWritten = 0;
  /** Why the file failed, if it did (a write or the final rename). */
  failure: Error | undefined;

  private constructor(
    private readonly dir: string,
    private readonly wanted: string,
    private readonly partialPath: string,
    private readonly handle: FileHandle,
    private readonly overwrite: boolean,
  ) {
    super({ highWaterMark: 1 << 20 });
    // The transfer reports a destination failure in its own outcome and may stop listening once it
    // has settled, while a stream emits 'error' after it is destroyed: without a listener of its
    // own that late 'error' would crash the process (e.g. on a full disk).
    this.on('error', (err) => (this.failure ??= err));
  }

  /** Creates the partial file for an item named `deviceName` by the device. */
  static async create(dir: string, deviceName: string, options: ItemFileOptions = {}): Promise<ItemFile> {
    const wanted = safeFileName(deviceName);
    for (let n = 1; ; n++) {
      const partialPath = resolveInside(dir, partialName(n === 1 ? wanted : numberedName(wanted, n)));
      options.creating?.add(partialPath);
      try {
        const handle = await open(partialPath, 'wx');
        return new ItemFile(dir, wanted, partialPath, handle, options.overwrite ?? false);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw WiaError.from(err, WIA_ERROR_DESTINATION, `cannot create a file for ${wanted}`);
      } finally {
        options.creating?.delete(partialPath);
      }
    }
  }

  /** Where the complete item landed (set once the stream finished). */
  get path(): string | undefined {
    return this.finalPath;
  }

  /**
   * Resolves once the file is closed: complete under its final name, or its partial file
   * removed. An item the transfer left unfinished is abandoned (its partial file removed).
   */
  async settled(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((done) => this.once('close', () => done()));
    if (!this.writableEnded) this.destroy();
    await closed;
  }

  /** Removes the partial file at once (a forced quit cannot wait for streams). No-op once complete. */
  removePartialSync(): void {
    if (!this.finalPath) rmSync(this.partialPath, { force: true });
  }

  /** Removes at once the partial files still being created (see {@link ItemFileOptions.creating}). */
  static removeCreatingSync(creating: ReadonlySet<string>): void {
    for (const path of creating) rmSync(path, { force: true });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writeAll(chunk).then(
      () => done(),
      (err: unknown) => done(new WiaError(WIA_ERROR_DESTINATION, `writing ${this.wanted} failed: ${describeFileError(err)}`, { cause: err })),
    );
  }

  /**
   * Writes every byte of `chunk`. A write may take fewer bytes than it was given and still succeed — the last
   * blocks of a nearly full disk, a file size limit — so the rest is written again: that write then fails with
   * the reason (ENOSPC, EFBIG) instead of the item completing short.
   */
  private async writeAll(chunk: Buffer): Promise<void> {
    for (let offset = 0; offset < chunk.length; ) {
      const { bytesWritten } = await this.handle.write(chunk, offset, chunk.length - offset);
      if (bytesWritten <= 0) throw new Error(`the file system took none of the last ${chunk.length - offset} bytes`);
      offset += bytesWritten;
      this.bytesWritten += bytesWritten;
    }
  }

  override _final(done: (error?: Error | null) => void): void {
    this.complete().then(
      () => done(),
      (err: unknown) => done(new WiaError(WIA_ERROR_DESTINATION, `finishing ${this.wanted} failed: ${describeFileError(err)}`, { cause: err })),
    );
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    if (this.finalPath) return done(error);
    this.handle
      .close()
      .catch(() => undefined)
      .then(() => unlink(this.partialPath))
      .catch(() => undefined)
      .then(() => done(error));
  }

  /**
   * Flushes the file to the disk, closes it and gives it its final name (without replacing an existing
   * file unless asked), then flushes the folder that holds the name. An item is reported transferred
   * only once both are on the disk: after a power cut it is there whole or not at all, never an empty
   * or short file under its final name (a user may wipe the camera's card once it says transferred),
   * and a disk that fails late (delayed allocation, a network file system) fails the item here.
   */
  private async complete(): Promise<void> {
    await syncUnlessUnsupported(this.handle, 'datasync');
    await this.handle.close();
    for (let n = 1; ; n++) {
      const candidate = resolveInside(this.dir, n === 1 ? this.wanted : numberedName(this.wanted, n));
      try {
        if (this.overwrite) await rename(this.partialPath, candidate);
        else {
          await link(this.partialPath, candidate);
          await unlink(this.partialPath);
        }
        this.finalPath = candidate;
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw err;
      }
    }
    const folder = await open(this.dir, 'r');
    try {
      await syncUnlessUnsupported(folder, 'sync');
    } finally {
      await folder.close();
    }
  }
}

/** Error codes of a file system that cannot flush a file or folder at all (some FUSE and network ones): nothing to wait for. */
const SYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF', 'EISDIR']);

/** `handle.datasync()` or `handle.sync()`; a file system that does not support it is not an error, a failing disk is. */
async function syncUnlessUnsupported(handle: FileHandle, how: 'datasync' | 'sync'): Promise<void> {
  try {
    await (how === 'datasync' ? handle.datasync() : handle.sync());
  } catch (err) {
    if (!SYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
}
