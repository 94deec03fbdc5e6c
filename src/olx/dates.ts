import type { ProblemList } from './problem';
import type { Block } from './structure';

/**
 * Dates against the term and each other (all warnings: a date can be deliberate). edX reads
 * `start`, `end` and `due` as ISO datetimes, UTC when no zone is given (xblock fields.py Date),
 * children inherit `start` and `due` from their parent (xmodule/modulestore/inheritance.py),
 * and a course without `start` begins on 2030-01-01 (xmodule/course_metadata_utils.py
 * DEFAULT_START_DATE).
 */

export interface Term {
  name: string;
  /** ISO datetimes (UTC). */
  start: string;
  end: string;
}

const DAY = 86_400_000;
/** How far outside the term a course may start or end and still be "near" it. */
const SLACK_DAYS = 31;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Milliseconds, undefined when unset, NaN when unreadable. */
function dateOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return Number.NaN;
  const text = value.trim().replace(/^"|"$/g, '');
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !/T/.test(text) ? text : `${text}Z`;
  return Date.parse(/T/.test(zoned) ? zoned : `${zoned}T00:00:00Z`);
}

const label = (b: Block) => `${b.category === 'chapter' ? 'section' : b.category === 'sequential' ? 'subsection' : b.category} "${b.urlName ?? String(b.settings.display_name ?? '?')}"`;

function read(b: Block, key: 'start' | 'end' | 'due', out: ProblemList): number | undefined {
  const ms = dateOf(b.settings[key]);
  if (ms !== undefined && Number.isNaN(ms)) {
    out.warning(b.file, b.line, `${label(b)} has a ${key} date edX cannot read: ${JSON.stringify(b.settings[key])}`, 'write it as an ISO datetime, e.g. 2027-02-01T00:00:00Z');
    return undefined;
  }
  return ms;
}

export function checkDates(course: Block, blocks: Block[], term: Term | undefined, out: ProblemList): void {
  const start = read(course, 'start', out);
  const end = read(course, 'end', out);
  if (start === undefined) {
    out.warning(course.file, course.line, 'the course has no start date, so edX starts it on 2030-01-01 and students cannot see it', 'set start in the course element or policy.json (Studio: Schedule & Details)');
  } else if (term) {
    const [ts, te] = [Date.parse(term.start), Date.parse(term.end)];
    if (start < ts - SLACK_DAYS * DAY || start > te) out.warning(course.file, course.line, `the course start ${day(start)} is not in or near ${term.name} (${day(ts)} to ${day(te)})`, `check the start date, or the term of the request`);
  }
  if (end !== undefined && term) {
    const [ts, te] = [Date.parse(term.start), Date.parse(term.end)];
    if (end < ts || end > te + SLACK_DAYS * DAY) out.warning(course.file, course.line, `the course end ${day(end)} is not in or near ${term.name} (${day(ts)} to ${day(te)})`, 'check the end date, or the term of the request');
  }
  if (start !== undefined && end !== undefined && end <= start) out.warning(course.file, course.line, `the course ends (${day(end)}) before it starts (${day(start)})`, 'correct the start or end date');

  const release = new Map<Block, number | undefined>([[course, start]]);
  for (const b of blocks) {
    if (b === course || !['chapter', 'sequential', 'vertical'].includes(b.category)) continue;
    const own = read(b, 'start', out);
    const inherited = b.parent ? release.get(b.parent) : undefined;
    const effective = own ?? inherited;
    release.set(b, effective);
    if (own !== undefined && start !== undefined && own < start) out.warning(b.file, b.line, `${label(b)} is released (${day(own)}) before the course starts (${day(start)})`, 'move its release date on or after the course start');
    if (own !== undefined && end !== undefined && own > end) out.warning(b.file, b.line, `${label(b)} is released (${day(own)}) after the course ends (${day(end)})`, 'move its release date before the course end, or remove the block');
    const due = read(b, 'due', out);
    if (due !== undefined && effective !== undefined && due <= effective) out.warning(b.file, b.line, `${label(b)} is due (${day(due)}) before it is released (${day(effective)})`, 'move the due date after the release date');
  }
}
