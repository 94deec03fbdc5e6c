import { checkAboutAndImage, checkStaticReferences } from './assets';
import { checkCapa } from './capa';
import { checkDates, type Term } from './dates';
import { checkGrading, readGraders, readPolicy } from './policy';
import { ProblemList, type CourseFiles, type OlxProblem } from './problem';
import { readXml, walkCourse } from './structure';

export type { Term };

/**
 * The course quality check: the whole OLX tree, its policies, dates against the term, static
 * links, the about page and course image, and capa heuristics. Pure: no I/O beyond `files`.
 * Blocking problems first, then warnings, each group in the order the course is read.
 */
export function checkCourse(files: CourseFiles, options: { term?: Term } = {}): OlxProblem[] {
  const out = new ProblemList();
  const tree = walkCourse(files, (run) => readPolicy(files, run, out), out);
  if (tree) {
    for (const b of tree.blocks) {
      if ((b.category === 'chapter' || b.category === 'sequential') && b.element.children.length === 0) {
        out.warning(b.file, b.line, `${b.category === 'chapter' ? 'section' : 'subsection'} "${b.urlName ?? String(b.settings.display_name ?? '?')}" is empty`, `add ${b.category === 'chapter' ? 'subsections' : 'units'} to it, or remove it`);
      }
    }
    const graders = readGraders(files, tree.run, out);
    if (graders) checkGrading(graders, tree.blocks, tree.run, out);
    checkDates(tree.course, tree.blocks, options.term, out);
    checkCapa(tree.blocks, out);
    const reached = [...tree.reached];
    for (const p of files.paths()) if (/^about\/.*\.html$/.test(p)) reached.push(p);
    checkStaticReferences(files, reached, out);
  }
  checkAboutAndImage(files, tree, out);
  const reported = new Set(out.items.map((p) => p.file));
  for (const p of files.paths()) {
    // XML the tree does not reach (drafts/, orphans) must be well-formed too: Studio imports
    // drafts. static/ holds files served as they are, never parsed by edX.
    if (p.endsWith('.xml') && !p.startsWith('static/') && !tree?.reached.has(p) && !reported.has(p)) readXml(files, p, out);
  }
  const rank = (p: OlxProblem) => (p.severity === 'blocking' ? 0 : 1);
  return out.items.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p);
}

export const hasBlocking = (problems: readonly OlxProblem[]) => problems.some((p) => p.severity === 'blocking');
