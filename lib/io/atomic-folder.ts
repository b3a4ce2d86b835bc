/**
 * Replacing a folder of files atomically and durably, so that a process killed at any instant (SIGKILL,
 * power loss after the fsyncs) leaves either the previous or the new version loadable:
 *
 * 1. the files are written into a fresh sibling folder `.<name>.myelin-new`, each fsynced, then the folder;
 * 2. the previous folder (if any) is renamed to `.<name>.myelin-old`;
 * 3. the new folder is renamed to `<name>`, the parent folder fsynced;
 * 4. `.<name>.myelin-old` is removed.
 *
 * Between 2 and 3 `<name>` does not exist for an instant: {@link resolveSavedFolder} then points readers at
 * the complete new folder, and the next save finishes the swap first ({@link finishInterruptedSwap}).
 * File-system failures are {@link IOError}s and leave the previous version in place.
 */
import * as fs from 'fs';
import * as fsp from 'fs/promises';
import * as path from 'path';
import { IOError } from '../errors';
import { bestEffort, errorCode, ioCall, ioCallAsync } from './fs-errors';

/** One file to write: its name inside the folder and its content. */
export interface FolderFile {
  name: string;
  bytes: Uint8Array | string;
}

/** The sibling folders used while a folder is replaced. */
export interface SwapPaths {
  /** The folder itself, absolute. */
  target: string;
  /** Where the new version is written before the swap. */
  staging: string;
  /** Where the previous version waits until the swap is done. */
  backup: string;
}

/** The folder `dir` (symbolic links to it resolved) and its staging and backup siblings. */
export function swapPaths(dir: string): SwapPaths {
  let target = path.resolve(dir);
  try {
    if (fs.lstatSync(target).isSymbolicLink()) target = fs.realpathSync(target);
  } catch { /* does not exist yet */ }
  const parent = path.dirname(target);
  const base = path.basename(target);
  return { target, staging: path.join(parent, `.${base}.myelin-new`), backup: path.join(parent, `.${base}.myelin-old`) };
}

const exists = (p: string): boolean => {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/**
 * The folder a reader should open for `dir`: `dir` itself, or, when a save was interrupted between its two
 * renames (`dir` missing, the previous version in the backup folder), the complete new version (or the
 * previous one when the new is gone). Never modifies anything.
 */
export function resolveSavedFolder(dir: string): string {
  const p = swapPaths(dir);
  if (exists(p.target) || !exists(p.backup)) return dir;
  return exists(p.staging) ? p.staging : p.backup;
}

/**
 * Completes a swap that a killed process left half done, then removes leftovers: when the folder is missing
 * but the backup exists, the staging folder is complete (it is renamed only after being fsynced) and becomes
 * the folder, else the backup is put back. Then a staging folder is an interrupted write (of a first save
 * too) and a backup next to the folder a finished swap: both are deleted.
 */
export function finishInterruptedSwap(p: SwapPaths, owner: string): void {
  if (!exists(p.target) && exists(p.backup)) {
    const from = exists(p.staging) ? p.staging : p.backup;
    ioCall(owner, 'restore the interrupted save from', from, () => fs.renameSync(from, p.target));
    syncFolder(path.dirname(p.target), owner);
  }
  // Now a staging folder is an interrupted write (also of a first save, with no folder yet) and a backup
  // next to the folder a finished swap.
  if (exists(p.target) || !exists(p.backup)) {
    for (const leftover of [p.staging, p.backup]) {
      ioCall(owner, 'remove the leftover folder', leftover, () => fs.rmSync(leftover, { recursive: true, force: true }));
    }
  }
}

/** fsync of a folder (its entries); platforms that cannot open folders for that are skipped. */
function syncFolder(dir: string, owner: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch (err) {
    if (['EISDIR', 'EPERM', 'EACCES'].includes(errorCode(err) ?? '')) return;
    return ioCall(owner, 'open the folder', dir, () => { throw err; });
  }
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    if (!['EINVAL', 'EBADF', 'ENOTSUP', 'EPERM'].includes(errorCode(err) ?? '')) ioCall(owner, 'fsync the folder', dir, () => { throw err; });
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates `file` (it must not exist), writes all of `bytes` and fsyncs it (IOError on failure). */
export function writeDurable(file: string, bytes: Uint8Array | string, owner: string): void {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const fd = ioCall(owner, 'create', file, () => fs.openSync(file, 'wx', 0o644));
  try {
    let done = 0;
    while (done < data.length) done += ioCall(owner, 'write', file, () => fs.writeSync(fd, data, done, data.length - done));
    ioCall(owner, 'fsync', file, () => fs.fsyncSync(fd));
  } finally {
    fs.closeSync(fd);
  }
}

/** Before a swap: the parent folder made, an interrupted swap finished, the existing folder checked. */
function prepareSwap(dir: string, keep: (name: string) => boolean, owner: string): { p: SwapPaths; hadPrevious: boolean } {
  const p = swapPaths(dir);
  ioCall(owner, 'create the parent folder of', p.target, () => fs.mkdirSync(path.dirname(p.target), { recursive: true }));
  finishInterruptedSwap(p, owner);
  const st = ioCall(owner, 'inspect', p.target, () => (exists(p.target) ? fs.statSync(p.target) : null));
  if (st && !st.isDirectory()) throw new IOError(`${owner}: ${dir} exists and is not a folder`, 'ENOTDIR', p.target, 'stat');
  if (st) {
    const foreign = ioCall(owner, 'list', p.target, () => fs.readdirSync(p.target)).filter((n) => !keep(n));
    if (foreign.length > 0) {
      throw new IOError(`${owner}: ${dir} holds files that are not part of a saved model (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}); save into an empty or new folder`, 'ENOTEMPTY', p.target, 'readdir');
    }
  }
  ioCall(owner, 'create the folder', p.staging, () => fs.mkdirSync(p.staging));
  return { p, hadPrevious: st !== null };
}

/** After the staging folder is complete and fsynced: the two renames, the parent's fsync, the cleanup. */
function completeSwap(p: SwapPaths, hadPrevious: boolean, owner: string): void {
  try {
    syncFolder(p.staging, owner);
  } catch (err) {
    bestEffort(() => fs.rmSync(p.staging, { recursive: true, force: true }));
    throw err;
  }
  if (hadPrevious) ioCall(owner, 'move the previous version aside:', p.target, () => fs.renameSync(p.target, p.backup));
  try {
    ioCall(owner, 'move the new version into', p.target, () => fs.renameSync(p.staging, p.target));
  } catch (err) {
    if (hadPrevious) bestEffort(() => fs.renameSync(p.backup, p.target));
    bestEffort(() => fs.rmSync(p.staging, { recursive: true, force: true }));
    throw err;
  }
  syncFolder(path.dirname(p.target), owner);
  if (hadPrevious) bestEffort(() => fs.rmSync(p.backup, { recursive: true, force: true }));
}

/**
 * Replaces the folder `dir` by one that holds exactly `files` (see the file comment for the steps).
 * `keep(name)` says which names an existing folder may hold: a folder with any other entry is refused
 * (IOError `ENOTEMPTY`) rather than replaced, so a save never deletes files it did not write.
 * @throws IOError when `dir` is a file, holds foreign files, or the file system refuses a step; the previous
 *   version is then still in place.
 */
export function writeFolderAtomic(dir: string, files: FolderFile[], keep: (name: string) => boolean, owner = 'save'): void {
  const { p, hadPrevious } = prepareSwap(dir, keep, owner);
  try {
    for (const f of files) writeDurable(path.join(p.staging, f.name), f.bytes, owner);
  } catch (err) {
    bestEffort(() => fs.rmSync(p.staging, { recursive: true, force: true }));
    throw err;
  }
  completeSwap(p, hadPrevious, owner);
}

/**
 * {@link writeFolderAtomic} with the files written and fsynced through `fs/promises`, so the event loop stays
 * free while the data goes to disk; the checks before and the renames after (metadata only) are the same
 * synchronous steps.
 */
export async function writeFolderAtomicAsync(dir: string, files: FolderFile[], keep: (name: string) => boolean, owner = 'save'): Promise<void> {
  const { p, hadPrevious } = prepareSwap(dir, keep, owner);
  try {
    for (const f of files) await writeDurableAsync(path.join(p.staging, f.name), f.bytes, owner);
  } catch (err) {
    bestEffort(() => fs.rmSync(p.staging, { recursive: true, force: true }));
    throw err;
  }
  completeSwap(p, hadPrevious, owner);
}

/** {@link writeDurable} through `fs/promises`: create (must not exist), write all, fsync. */
async function writeDurableAsync(file: string, bytes: Uint8Array | string, owner: string): Promise<void> {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const handle = await ioCallAsync(owner, 'create', file, () => fsp.open(file, 'wx', 0o644));
  try {
    let done = 0;
    while (done < data.length) done += (await ioCallAsync(owner, 'write', file, () => handle.write(data, done, data.length - done))).bytesWritten;
    await ioCallAsync(owner, 'fsync', file, () => handle.sync());
  } finally {
    await handle.close();
  }
}
