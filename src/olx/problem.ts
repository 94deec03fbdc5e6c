/**
 * One thing wrong with a course, as course staff can act on it: where (the file, and the line
 * when the parser gives one), what, and what to do. `blocking` problems stop a publish;
 * `warning`s are reported to the agents and the course team but never stop anything.
 */
export interface OlxProblem {
  severity: 'blocking' | 'warning';
  /** Path inside the course repository, e.g. `sequential/week1.xml`. */
  file: string;
  line?: number;
  message: string;
  fix: string;
}

/**
 * The course as the checker sees it: every path of the repository, and the text of the files it
 * reads (XML, JSON, HTML). Read-only and already in memory, so the checker knows nothing of where
 * the files came from (a GitHub archive, a local folder, a test fixture).
 */
export interface CourseFiles {
  has(path: string): boolean;
  /** The file's text, or undefined when it is missing or not kept as text. */
  read(path: string): string | undefined;
  paths(): Iterable<string>;
}

/** Collects problems in the order they are found. */
export class ProblemList {
  readonly items: OlxProblem[] = [];
  blocking(file: string, line: number | undefined, message: string, fix: string): void {
    this.items.push({ severity: 'blocking', file, ...(line === undefined ? {} : { line }), message, fix });
  }
  warning(file: string, line: number | undefined, message: string, fix: string): void {
    this.items.push({ severity: 'warning', file, ...(line === undefined ? {} : { line }), message, fix });
  }
}

/** A course held in a map of path -> text (the archive reader, tests, the bench). */
export function filesFromMap(files: ReadonlyMap<string, string | undefined>): CourseFiles {
  return { has: (p) => files.has(p), read: (p) => files.get(p), paths: () => files.keys() };
}
