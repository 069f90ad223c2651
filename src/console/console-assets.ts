import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** console/ at the package root, from src/console (tsx) as from dist/src/console (the build). */
export function consoleDir(): string {
  for (const up of ['../../console', '../../../console']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    try {
      if (statSync(join(dir, 'app.js')).isFile()) return dir;
    } catch {}
  }
  throw new Error('the console files (console/app.js) are missing from this installation');
}

/**
 * Every file the browser may load, read once at start: a few dozen small files, so serving them from
 * memory is simpler than a static-file plugin, and no path from a request ever reaches the file system.
 */
export function loadAssets(dir = consoleDir()): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      const type = TYPES[extname(entry.name)];
      if (!entry.isFile() || !type) continue;
      const body = readFileSync(path);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      assets.set(relative(dir, path).split(sep).join('/'), { body, type, etag });
    }
  };
  walk(dir);
  return assets;
}
