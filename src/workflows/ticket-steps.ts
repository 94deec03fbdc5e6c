import { sql } from 'drizzle-orm';
import { courses, runs, terms } from '../db/schema';
import type { StepDefinition } from '../engine/types';
import { commentMarker } from '../integrations/zendesk/marker';
import { TERM_PATTERN } from '../requests/draft';
import { completedReply } from '../story/messages';
import { fullRepo, type FlowDeps, type FlowInput } from './context';

/** The key of every flow's last step, which solves the ticket. */
export const FINISH_STEP = 'update-ticket';

/**
 * The last step of every flow: write what the request made into our records (`record`: by
 * default the course, term and run of the design's ERD, used for duplicate checks and the
 * dashboard), then tell the requester on the ticket, with the links, and solve it. Upserts and
 * the comment marker make it safe to repeat.
 */
export function finishStep(
  d: FlowDeps,
  input: FlowInput,
  message: { title: string; intro: string; next: string; links: { label: string; url: string }[] },
  record: (d: FlowDeps, input: FlowInput) => Promise<void> = recordRun,
): StepDefinition {
  return {
    key: FINISH_STEP,
    title: message.title,
    kind: 'auto',
    async run() {
      await record(d, input);
      const ticketId = input.request.ticketId;
      if (ticketId !== null && d.desk) {
        await d.desk.post(ticketId, { html: completedReply(message.intro, message.links, message.next), public: true, marker: commentMarker(input.request.id, 'finish'), status: 'solved' });
      }
      return { silent: true, summary: message.intro, links: message.links };
    },
  };
}

async function recordRun(d: FlowDeps, input: FlowInput): Promise<void> {
  const now = d.clock();
  const term = input.newTerm ?? input.term;
  const m = TERM_PATTERN.exec(term);
  await d.db
    .insert(courses)
    .values({ courseNumber: input.courseNumber, title: input.title, kind: input.plan.kind, description: input.description, instructor: input.instructor, weeks: input.weeks, evaluationCriteria: input.evaluationCriteria, firstTerm: input.term, createdAt: now })
    .onConflictDoNothing();
  const [course] = await d.db.select({ id: courses.id }).from(courses).where(sql`lower(${courses.courseNumber}) = ${input.courseNumber.toLowerCase()}`);
  await d.db.insert(terms).values({ name: term, year: Number(m?.[1] ?? 0), season: m?.[2] ?? 'unknown' }).onConflictDoNothing();
  const [termRow] = await d.db.select({ id: terms.id }).from(terms).where(sql`${terms.name} = ${term}`);
  if (!course || !termRow) return;
  const published = input.request.type === 'publish';
  const [existing] = await d.db.select({ id: runs.id }).from(runs).where(sql`lower(${runs.courseKey}) = ${input.plan.courseKey.toLowerCase()}`);
  if (existing) {
    await d.db
      .update(runs)
      .set(published ? { productionHook: input.plan.productionHook, liveBranch: input.plan.kind === 'xml' } : { gitRepo: fullRepo(input.plan), stagingHook: input.plan.stagingHook })
      .where(sql`${runs.id} = ${existing.id}`);
    return;
  }
  await d.db.insert(runs).values({
    courseId: course.id,
    termId: termRow.id,
    gitRepo: fullRepo(input.plan),
    courseKey: input.plan.courseKey,
    stagingHook: input.plan.stagingHook && !published,
    productionHook: published && input.plan.productionHook,
    liveBranch: published && input.plan.kind === 'xml',
    createdAt: now,
  });
}
