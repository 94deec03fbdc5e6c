import { readFileSync } from 'node:fs';
import type { ConfigFiles } from './config';

/** Files as Node reads them, for settings that name a file (ORC_APPROVAL_RULES). */
export const nodeFiles: ConfigFiles = { readFile: (path) => readFileSync(path, 'utf8') };
