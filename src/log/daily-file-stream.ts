import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import { logFileName } from './log-files.js';

/**
 * A pino destination that appends to one file per UTC day, koppel-YYYY-MM-DD.log, so retention can
 * delete whole days. Files are created with mode 0600 in a 0700 folder: logs carry ids, not personal
 * data, but still say which customers we work for. Writes are synchronous, so a crash loses nothing
 * that was logged before it.
 */
export class DailyFileStream {
  #fd: number | undefined;
  #name = '';

  constructor(
    private readonly dir: string,
    private readonly clock: Clock,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  write(chunk: string): boolean {
    const name = logFileName(this.clock.now());
    if (name !== this.#name || this.#fd === undefined) {
      this.close();
      this.#fd = openSync(join(this.dir, name), 'a', 0o600);
      this.#name = name;
    }
    writeSync(this.#fd, chunk);
    return true;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
