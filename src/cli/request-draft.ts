import { z } from 'zod';
import type { RequestType } from '../db/schema';
import type { Problem } from '../requests/draft';

/** The options `withRequestOptions` registers, as parsed at the edge, and the draft they make. */
export const requestOptionsSchema = z.object({
  course: z.string().optional(),
  term: z.string().optional(),
  newTerm: z.string().optional(),
  kind: z.string().optional(),
  title: z.string().optional(),
  member: z.array(z.string()).optional(),
  add: z.array(z.string()).optional(),
  remove: z.array(z.string()).optional(),
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
    teamAdd: o.add,
    teamRemove: o.remove,
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
  teamAdd: '--add',
  teamRemove: '--remove',
  team: '--team',
  instructor: '--instructor',
  description: '--description',
  startDate: '--start-date',
};

export const problemLine = (p: Problem) => `${OPTION_OF[p.field] ?? p.field}: ${p.message}`;
