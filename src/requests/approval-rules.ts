import { z } from 'zod';
import { COURSE_KINDS, REQUEST_TYPES } from '../db/request-types';

/**
 * The approval rules file (ORC_APPROVAL_RULES): rules tried in order, the first whose every
 * condition holds approves a request. A condition left out does not restrict; inside one
 * condition, any listed value matches. Parsing names every problem with its JSON path.
 */

const nonEmpty = <T extends z.ZodType>(item: T) => z.array(item).min(1, { message: 'must list at least one value (leave the condition out to allow any)' });

/** "prof@mit.edu" is an address, "@mit.edu" a whole domain (not its subdomains). */
const requesterEntry = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[^@\s]*@[a-z0-9-]+(\.[a-z0-9-]+)+$/, { message: 'must be an address (prof@mit.edu) or a domain written with its @ (@mit.edu)' });

const zendeskId = z.number({ message: 'must be a Zendesk id (a number, from the admin URL)' }).int({ message: 'must be a whole number' }).positive({ message: 'must be positive' });

export const conditionsSchema = z
  .object({
    /** Request types: new, publish, rerun, team. */
    type: nonEmpty(z.enum(REQUEST_TYPES)).optional(),
    /** Course kinds: xml, studio. */
    kind: nonEmpty(z.enum(COURSE_KINDS)).optional(),
    /** The requester's address, or its domain. */
    requester: nonEmpty(requesterEntry).optional(),
    /** The requester belongs to one of these Zendesk organisations (ids). */
    organization: nonEmpty(zendeskId).optional(),
    /** The requester is in one of these Zendesk groups (ids; Zendesk groups hold agents only). */
    group: nonEmpty(zendeskId).optional(),
    /** A rerun or publish of a course whose previous request completed with the same team members. */
    sameTeamAsPrevious: z.literal(true, { message: 'must be true (leave it out to allow any team)' }).optional(),
    /** A team change asked by someone on the course's team (matched as README says). */
    requesterOnCourseTeam: z.literal(true, { message: 'must be true (leave it out otherwise)' }).optional(),
    /** A publish whose course quality check passed at intake. */
    qualityCheckPassed: z.literal(true, { message: 'must be true (leave it out otherwise)' }).optional(),
  })
  .strict();
export type ApprovalConditions = z.infer<typeof conditionsSchema>;

const ruleSchema = z
  .object({
    name: z.string({ message: 'is required: a short name, recorded as the approver' }).trim().min(1, { message: 'must not be empty' }).max(80, { message: 'must be at most 80 characters' }),
    when: conditionsSchema.default({}),
  })
  .strict();
export type ApprovalRule = z.infer<typeof ruleSchema>;

const fileSchema = z
  .object({ rules: z.array(ruleSchema) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Map<string, number>();
    file.rules.forEach((rule, i) => {
      const first = seen.get(rule.name.toLowerCase());
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `"${rule.name}" is already the name of rules[${first}]; names must be unique (each is recorded as an approver)` });
      else seen.set(rule.name.toLowerCase(), i);
    });
  });

/** `$.rules[2].when.requester[0]`: where a problem is, as the operator finds it in the file. */
const jsonPath = (path: PropertyKey[]) => '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');

/**
 * Parses the rules' JSON. `source` names where it came from (the file's path, or the setting
 * when it holds the JSON itself); every problem is one line naming it and the entry's JSON path.
 */
export function parseApprovalRules(text: string, source: string): { rules: ApprovalRule[]; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { rules: [], problems: [`${source}: not valid JSON (${err instanceof Error ? err.message : String(err)}); see the example in README.md`] };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) return { rules: [], problems: parsed.error.issues.map((i) => `${source}: ${jsonPath(i.path)}: ${i.message}`) };
  return { rules: parsed.data.rules, problems: [] };
}

/** ORC_APPROVAL_RULES holds a path, or (on Workers, which have no files) the JSON itself. */
export const isInlineRules = (value: string) => value.trimStart().startsWith('{');
