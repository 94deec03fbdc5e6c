import type { Command } from 'commander';
import { z } from 'zod';
import type { RequestType } from '../db/schema';
import type { Problem } from '../requests/draft';

/**
 * The options of `request` and `plan`, mapped onto the same draft a ticket becomes, so the CLI
 * is validated by the very rules intake applies. Values are passed through as typed: the
 * draft's validation names what is wrong, not commander.
 */
export function withRequestOptions(cmd: Command): Command {
  return cmd
    .option('--course <course>', 'course number, e.g. 8.01r')
    .option('--term <term>', 'term, e.g. 2027_Spring (a rerun: the old term)')
    .option('--new-term <term>', 'rerun: the new term, e.g. 2027_Fall')
    .option('--kind <kind>', 'xml (XML/latex2edx in git) or studio', 'xml')
    .option('--title <title>', 'course title (required for a new course)')
    .option('--member <usernames...>', 'GitHub usernames of the course team')
    .option('--team <team>', 'GitHub team name (default: named after the repository)')
    .option('--instructor <username>', 'the instructor (course team admin on edX)')
    .option('--description <text>', 'course description (about page)')
    .option('--start-date <YYYY-MM-DD>', 'do not start the work before this date')
    .option('--json', 'print the result as JSON')
    .option('--verbose', 'print warnings and stack traces');
}

export const requestOptionsSchema = z.object({
  course: z.string().optional(),
  term: z.string().optional(),
  newTerm: z.string().optional(),
  kind: z.string().optional(),
  title: z.string().optional(),
  member: z.array(z.string()).optional(),
  team: z.string().optional(),
  instructor: z.string().optional(),
  description: z.string().optional(),
  startDate: z.string().optional(),
  json: z.boolean().optional(),
  verbose: z.boolean().optional(),
});
export type RequestOptions = z.infer<typeof requestOptionsSchema>;

export function draftOf(type: RequestType, o: RequestOptions): Record<string, unknown> {
  const draft: Record<string, unknown> = {
    type,
    courseNumber: o.course,
    kind: o.kind,
    term: o.term,
    newTerm: o.newTerm,
    courseTitle: o.title,
    teamMembers: o.member,
    team: o.team,
    instructor: o.instructor,
    description: o.description,
    startDate: o.startDate,
  };
  return Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined));
}

/** The option a draft field came from, so a problem names what to change on the command line. */
const OPTION_OF: Record<string, string> = {
  courseNumber: '--course',
  term: '--term',
  newTerm: '--new-term',
  kind: '--kind',
  courseTitle: '--title',
  teamMembers: '--member',
  team: '--team',
  instructor: '--instructor',
  description: '--description',
  startDate: '--start-date',
};

export const problemLine = (p: Problem) => `${OPTION_OF[p.field] ?? p.field}: ${p.message}`;
