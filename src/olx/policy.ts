import { z } from 'zod';
import { parseJson } from './json';
import type { CourseFiles, ProblemList } from './problem';
import type { Block, Policy } from './structure';

/**
 * policies/{run}/policy.json and grading_policy.json: edx-platform
 * xmodule/modulestore/xml.py reads both from `policies/{url_name}/`; a course without
 * grading_policy.json gets DEFAULT_GRADING_POLICY (xmodule/course_metadata_utils.py).
 */

const policySchema = z.record(z.string(), z.record(z.string(), z.unknown()));
const graderSchema = z.object({
  type: z.string().min(1),
  weight: z.number().min(0).max(1),
  min_count: z.number().int().min(0).optional(),
  drop_count: z.number().int().min(0).optional(),
  short_label: z.string().optional(),
});
const gradingSchema = z.object({ GRADER: z.array(graderSchema), GRADE_CUTOFFS: z.record(z.string(), z.number()).optional() }).passthrough();
export type Grader = z.infer<typeof graderSchema>;

/** edx-platform xmodule/course_metadata_utils.py DEFAULT_GRADING_POLICY. */
export const DEFAULT_GRADERS: Grader[] = [
  { type: 'Homework', min_count: 12, drop_count: 2, short_label: 'HW', weight: 0.15 },
  { type: 'Lab', min_count: 12, drop_count: 2, weight: 0.15 },
  { type: 'Midterm Exam', short_label: 'Midterm', min_count: 1, drop_count: 0, weight: 0.3 },
  { type: 'Final Exam', short_label: 'Final', min_count: 1, drop_count: 0, weight: 0.4 },
];

const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).slice(0, 3).join('; ');

function readJson(files: CourseFiles, file: string, out: ProblemList): unknown {
  const text = files.read(file);
  if (text === undefined) return undefined;
  const parsed = parseJson(text);
  if (!parsed.ok) {
    out.blocking(file, parsed.line, `is not valid JSON: ${parsed.message}`, 'fix the JSON (a missing comma or quote, a trailing comma) and push again');
    return undefined;
  }
  return parsed.value;
}

/** The run's policy (empty when missing or broken; the problems say which). */
export function readPolicy(files: CourseFiles, run: string, out: ProblemList): Policy {
  const file = `policies/${run}/policy.json`;
  const raw = readJson(files, file, out);
  if (raw === undefined) return {};
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    out.blocking(file, undefined, `must map "category/url_name" keys to objects of settings (${issues(parsed.error)})`, `write it as { "course/${run}": { "start": "..." }, ... }`);
    return {};
  }
  return parsed.data;
}

/** The grading policy's assignment types, or edX's default when the file is absent. */
export function readGraders(files: CourseFiles, run: string, out: ProblemList): Grader[] | undefined {
  const file = `policies/${run}/grading_policy.json`;
  if (!files.has(file)) {
    out.warning(file, undefined, 'is missing, so edX grades the course with its default policy (Homework, Lab, Midterm Exam, Final Exam)', 'export the grading policy from Studio (Settings > Grading) or write it');
    return DEFAULT_GRADERS;
  }
  const raw = readJson(files, file, out);
  if (raw === undefined) return undefined;
  const parsed = gradingSchema.safeParse(raw);
  if (!parsed.success) {
    out.blocking(file, undefined, `is not a grading policy (${issues(parsed.error)})`, 'give it a GRADER list of { "type", "weight", "min_count", "drop_count" } and GRADE_CUTOFFS');
    return undefined;
  }
  return parsed.data.GRADER;
}

/**
 * Every subsection's `format` must be an assignment type (edX cannot grade it otherwise: the
 * subsection silently counts for nothing); every type should be used, and weights sum to 1
 * (edx-platform xmodule/graders.py weighs each type's percent by its weight).
 */
export function checkGrading(graders: Grader[], blocks: Block[], run: string, out: ProblemList): void {
  const file = `policies/${run}/grading_policy.json`;
  const types = new Set(graders.map((g) => g.type));
  const used = new Set<string>();
  for (const b of blocks) {
    if (b.category !== 'sequential') continue;
    const format = b.settings.format;
    if (typeof format !== 'string' || format.trim() === '') continue;
    used.add(format);
    if (!types.has(format)) {
      out.blocking(b.file, b.line, `subsection "${b.urlName ?? b.settings.display_name ?? '?'}" has format "${format}", which the grading policy does not define (it has ${[...types].map((t) => `"${t}"`).join(', ') || 'no types'})`, `add "${format}" to the GRADER list of ${file}, or use one of its types`);
    }
  }
  for (const g of graders) {
    if (g.weight > 0 && !used.has(g.type)) out.warning(file, undefined, `assignment type "${g.type}" (weight ${g.weight}) is used by no subsection`, `set format="${g.type}" on the subsections it grades, or remove it from the grading policy`);
  }
  const total = graders.reduce((sum, g) => sum + g.weight, 0);
  if (graders.length > 0 && Math.abs(total - 1) > 0.001) {
    out.warning(file, undefined, `assignment type weights sum to ${Number(total.toFixed(4))}, not 1`, 'adjust the weights so they add up to 1 (100%)');
  }
}
