/**
 * Writes a TensorBoard event file: `<dir>/events.out.tfevents.<seconds>.<host>` (with `.<n>` appended when that name
 * is taken), its first event the file version "brain.Event:2", then one framed Event per `write`.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ioCall } from '../fs-errors';
import { encodeEvent, type TensorBoardEvent } from './events';
import { encodeRecord } from './records';

/** An open event file. */
export class EventFileWriter {
  /** The file's path. */
  readonly file: string;
  private fd: number | null;

  /** Creates `dir` (and parents) and the event file in it. @throws IOError when the file system refuses. */
  constructor(dir: string, owner = 'tensorBoard') {
    ioCall(owner, 'create the folder', dir, () => fs.mkdirSync(dir, { recursive: true }));
    const now = Date.now() / 1000;
    const base = path.join(dir, `events.out.tfevents.${Math.floor(now)}.${os.hostname()}`);
    let file = base;
    for (let n = 1; fs.existsSync(file); n++) file = `${base}.${n}`;
    this.file = file;
    this.fd = ioCall(owner, 'create', file, () => fs.openSync(file, 'wx', 0o644));
    this.write({ wallTime: now, step: 0, fileVersion: 'brain.Event:2' });
  }

  /** Appends one event (nothing once closed). */
  write(event: TensorBoardEvent): void {
    if (this.fd === null) return;
    const fd = this.fd;
    const bytes = encodeRecord(encodeEvent(event));
    ioCall('tensorBoard', 'write', this.file, () => fs.writeSync(fd, bytes));
  }

  /** Closes the file. */
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
