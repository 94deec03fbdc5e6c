import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A file under `root`, or undefined (missing, or a path that tries to leave `root`). */
export async function readStatic(root: string, path: string): Promise<{ body: Buffer; type: string } | undefined> {
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decodeURIComponent(path)}`);
  if (!file.startsWith(base + sep)) return undefined;
  const body = await readFile(file).catch(() => undefined);
  return body ? { body, type: TYPES[extname(file)] ?? 'application/octet-stream' } : undefined;
}
