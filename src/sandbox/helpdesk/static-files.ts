import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * A file under `root`, or undefined (missing, or a path that tries to leave `root`), with a
 * validator from its size and modification time. With `ifNoneMatch` equal to it, the body is
 * not read (`body` undefined): the browser's copy is current (a rebuild changes the validator).
 */
export async function readStatic(root: string, path: string, ifNoneMatch?: string): Promise<{ body: Buffer | undefined; type: string; etag: string } | undefined> {
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decodeURIComponent(path)}`);
  if (!file.startsWith(base + sep)) return undefined;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const etag = `W/"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  if (ifNoneMatch === etag) return { body: undefined, type, etag };
  const body = await readFile(file).catch(() => undefined);
  return body ? { body, type, etag } : undefined;
}
