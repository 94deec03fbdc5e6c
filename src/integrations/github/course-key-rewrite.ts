import { PermanentError } from '../../errors';

/**
 * The changes that move an XML course from one run to another, as git tree entries: pure, so
 * the same inputs always give the same single commit. What changes (OLX layout):
 * - course.xml: `url_name="{from}"` -> `url_name="{to}"`
 * - course/{from}.xml -> course/{to}.xml
 * - policies/{from}/... -> policies/{to}/... (policy.json's `"course/{from}"` key rewritten)
 */

/** Git file modes a blob can have (regular, executable, symlink). */
export type BlobMode = '100644' | '100755' | '120000';
export const isBlobMode = (mode: string): mode is BlobMode => mode === '100644' || mode === '100755' || mode === '120000';

export type TreeChange =
  | { path: string; mode: BlobMode; type: 'blob'; sha: string }
  | { path: string; mode: BlobMode; type: 'blob'; sha: null }
  | { path: string; mode: BlobMode; type: 'blob'; content: string };

export interface RewriteInput {
  fromRun: string;
  toRun: string;
  /** Blobs of the current tree. */
  blobs: readonly { path: string; mode: BlobMode; sha: string }[];
  courseXml: string;
  /** policies/{from}/policy.json, when present. */
  policyJson: string | undefined;
}

export class CourseXmlMismatch extends PermanentError {
  constructor(found: string | undefined, from: string, to: string) {
    super(`course.xml has url_name ${found === undefined ? '(none)' : `"${found}"`}, expected "${from}" (or "${to}" once rewritten); fix course.xml in the new repository`);
    this.name = 'CourseXmlMismatch';
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const URL_NAME = /url_name\s*=\s*(["'])([^"']*)\1/;

export const coursePath = (run: string) => `course/${run}.xml`;
export const policyDir = (run: string) => `policies/${run}/`;
export const policyJsonPath = (run: string) => `${policyDir(run)}policy.json`;

/** The changes to make; empty when the tree is already on the new run. */
export function courseKeyChanges(input: RewriteInput): TreeChange[] {
  const { fromRun, toRun } = input;
  const urlName = URL_NAME.exec(input.courseXml)?.[2];
  const movedPath = (path: string) =>
    path === coursePath(fromRun) ? coursePath(toRun) : path.startsWith(policyDir(fromRun)) ? policyDir(toRun) + path.slice(policyDir(fromRun).length) : undefined;
  const moves = input.blobs.flatMap((b) => {
    const to = movedPath(b.path);
    return to ? [{ blob: b, to }] : [];
  });
  if (urlName === toRun && moves.length === 0) return [];
  if (urlName !== fromRun && urlName !== toRun) throw new CourseXmlMismatch(urlName, fromRun, toRun);

  const changes: TreeChange[] = [];
  if (urlName === fromRun) {
    const mode = input.blobs.find((b) => b.path === 'course.xml')?.mode ?? '100644';
    changes.push({ path: 'course.xml', mode, type: 'blob', content: input.courseXml.replace(URL_NAME, (_m, q: string) => `url_name=${q}${toRun}${q}`) });
  }
  for (const { blob, to } of moves) {
    changes.push({ path: blob.path, mode: blob.mode, type: 'blob', sha: null });
    if (blob.path === policyJsonPath(fromRun) && input.policyJson !== undefined) {
      const content = input.policyJson.replace(new RegExp(`"course/${escape(fromRun)}"`, 'g'), `"course/${toRun}"`);
      changes.push({ path: to, mode: blob.mode, type: 'blob', content });
    } else {
      changes.push({ path: to, mode: blob.mode, type: 'blob', sha: blob.sha });
    }
  }
  return changes;
}
