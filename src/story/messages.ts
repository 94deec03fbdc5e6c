import type { Instructions, StepDefinition } from '../engine/types';
import { fieldLabel } from '../courses/request-fields';
import type { Problem } from '../requests/draft';
import { formatInZone } from '../requests/dates';
import { describeTeam, type Plan } from '../workflows/plan';
import { escapeHtml, link } from './html';

/**
 * What the ticket says at each stage. Every interpolated value is escaped; the only raw HTML
 * comes from instruction templates, which escape their own values.
 */


/** What a step returns to be told on the ticket. */
export interface StepReport {
  summary?: string;
  links?: { label: string; url: string }[];
}

function reportOf(result: Record<string, unknown>): StepReport {
  const summary = typeof result.summary === 'string' ? result.summary : undefined;
  const links = Array.isArray(result.links)
    ? result.links.filter((l): l is { label: string; url: string } => typeof l === 'object' && l !== null && typeof (l as { url?: unknown }).url === 'string' && typeof (l as { label?: unknown }).label === 'string')
    : [];
  return { summary, links };
}

const linkList = (links: { label: string; url: string }[]) => (links.length ? `<ul>${links.map((l) => `<li>${link(l.url, l.label)}</li>`).join('')}</ul>` : '');

export function stepDoneNote(title: string, result: Record<string, unknown>): string {
  const { summary, links = [] } = reportOf(result);
  return `<p><strong>Done: ${escapeHtml(title)}</strong></p>${summary ? `<p>${escapeHtml(summary)}</p>` : ''}${linkList(links)}`;
}

export function stepFailedNote(title: string, error: string): string {
  return (
    `<p><strong>Failed: ${escapeHtml(title)}</strong></p>` +
    `<p>${escapeHtml(error)}</p>` +
    '<p>Fix the cause, then press <strong>Retry</strong> on this step in the Orcoursetrion sidebar; if you did the work another way, <strong>Mark done by hand</strong> with a note saying what was done (or <strong>Skip</strong> it with a note if it is not needed).</p>'
  );
}

export function stepWaitingNote(title: string, instructions: Instructions | undefined): string {
  return (
    `<p><strong>Your turn: ${escapeHtml(title)}</strong></p>` +
    (instructions?.html ?? '<p>Follow the steps for this task, then mark it done in the Orcoursetrion sidebar.</p>')
  );
}

/** At most this many course-check findings in one comment; the rest are counted. */
export const LISTED_FINDINGS = 20;

/** Findings in the course repository, grouped by file in first-seen order, the first 20 listed. */
function findingsList(findings: Problem[]): string {
  const listed = findings.slice(0, LISTED_FINDINGS);
  const byFile = new Map<string, Problem[]>();
  for (const p of listed) byFile.set(p.file!, [...(byFile.get(p.file!) ?? []), p]);
  const items = [...byFile]
    .map(([file, ps]) => `<li><code>${escapeHtml(file)}</code><ul>${ps.map((p) => `<li>${p.line === undefined ? '' : `line ${p.line}: `}${escapeHtml(p.message)}</li>`).join('')}</ul></li>`)
    .join('');
  const rest = findings.length - listed.length;
  return `<ul>${items}</ul>${rest > 0 ? `<p>… and ${rest} more.</p>` : ''}`;
}

/** Problems with the ticket's fields, each under the field's label as the form shows it. */
const fieldList = (problems: Problem[]) => `<ul>${problems.map((p) => `<li><strong>${escapeHtml(fieldLabel(p.field))}</strong>: ${escapeHtml(p.message)}</li>`).join('')}</ul>`;

export function problemsReply(problems: Problem[]): string {
  const fields = problems.filter((p) => p.file === undefined);
  const course = problems.filter((p) => p.file !== undefined);
  return (
    '<p>Thank you for your course request. Before we can start, please fix the following' + (fields.length > 0 ? " in the ticket's fields:</p>" : ':</p>') +
    (fields.length > 0 ? fieldList(fields) : '') +
    (course.length > 0
      ? `<p>The course in the repository has ${course.length} problem${course.length === 1 ? '' : 's'} that would break it for students; fix ${course.length === 1 ? 'it' : 'them'}, push to the repository and save the ticket again:</p>${findingsList(course)}`
      : '') +
    '<p>We check the request again as soon as you save your changes.</p>'
  );
}

/** The course check's warnings, for the agents: worth a look, never blocking. */
export function warningsNote(warnings: Problem[]): string {
  const fields = warnings.filter((p) => p.file === undefined);
  const course = warnings.filter((p) => p.file !== undefined);
  return (
    (fields.length > 0 ? `<p><strong>Worth checking before approval</strong> (not blocking):</p>${fieldList(fields)}` : '') +
    (course.length > 0 ? `<p><strong>Course check: ${course.length} warning${course.length === 1 ? '' : 's'}</strong> (not blocking; worth telling the course team):</p>${findingsList(course)}` : '')
  );
}

/**
 * Who approves the request the note plans: an agent, an approval rule, or nobody any more (a note
 * posted late, after the request was decided: it says what runs, nothing about approving).
 */
export type PlanApproval = { by: 'agent' } | { by: 'rule'; rule: string } | { by: 'decided' };

export function planNote(plan: Plan, steps: StepDefinition[], approval: PlanApproval, warnings: Problem[] = []): string {
  const rows = steps
    .map((s) => `<li>${escapeHtml(s.title)} <em>(${s.skipReason ? `skipped: ${escapeHtml(s.skipReason)}` : s.kind === 'auto' ? 'automatic' : 'manual: instructions will follow'})</em></li>`)
    .join('');
  const manual = steps.filter((s) => s.kind === 'manual' && !s.skipReason).length;
  return (
    `<p><strong>Course request is valid.</strong> Repository <code>${escapeHtml(`${plan.org}/${plan.repo}`)}</code>, course key <code>${escapeHtml(plan.courseKey)}</code>.</p>` +
    `<p>Course team: ${escapeHtml(describeTeam(plan, true))}.</p>` +
    `<p>Plan (${steps.length} steps, ${manual} manual):</p><ol>${rows}</ol>` +
    (approval.by === 'agent'
      ? '<p>Approve it with the <strong>Approve course request</strong> macro or in the Orcoursetrion sidebar, or reject it with a reason.</p>'
      : approval.by === 'rule'
        ? `<p>The approval rule <strong>${escapeHtml(approval.rule)}</strong> approves it: the work starts without an agent's approval. Destructive steps still wait for an agent.</p>`
        : '') +
    (warnings.length > 0 ? warningsNote(warnings) : '')
  );
}

/** The internal note that records who approved a request when a rule did. */
export function ruleApprovedNote(rule: string): string {
  return `<p><strong>Approved by the approval rule ${escapeHtml(rule)}</strong> (ORC_APPROVAL_RULES). Destructive steps still wait for an agent to confirm them.</p>`;
}

export function cannotApproveNote(problems: Problem[]): string {
  return `<p><strong>This request cannot be approved yet</strong>: it has ${problems.length} problem${problems.length === 1 ? '' : 's'} the requester has been asked to fix.</p>`;
}

export const rejectionNeedsReasonNote =
  '<p><strong>Rejection not applied</strong>: a rejection needs a reason for the requester. Fill in <em>Rejection reason</em> and apply the reject macro again (or reject in the Orcoursetrion sidebar). Nothing was changed.</p>';

export function rejectionReply(reason: string): string {
  return `<p>We are sorry: your course request was not approved.</p><p><strong>Reason</strong>: ${escapeHtml(reason)}</p><p>Reply to this ticket if you have questions, or file a new request.</p>`;
}

export function scheduledNote(startAt: number, timeZone: string): string {
  return `<p><strong>Your request is approved.</strong> The work is scheduled to start on ${escapeHtml(formatInZone(startAt, timeZone))}; you will hear from us here when it is done.</p>`;
}

export function completedReply(intro: string, links: { label: string; url: string }[], next: string): string {
  return `<p>${escapeHtml(intro)}</p>${linkList(links)}<p>${escapeHtml(next)}</p>`;
}

export function cancellationReply(reason: string): string {
  return `<p>Your course request was cancelled.</p><p><strong>Reason</strong>: ${escapeHtml(reason)}</p><p>Reply to this ticket if you have questions, or file a new request.</p>`;
}

/** What was done before the cancellation and how to undo each; instructions only, nothing is undone automatically. */
export function cancellationNote(by: string, reason: string, taken: { title: string; undo: string; uncertain: boolean }[]): string {
  const rows = taken.map((t) => `<li><strong>${escapeHtml(t.title)}</strong>${t.uncertain ? ' <em>(was running when cancelled: check whether it took effect)</em>' : ''}: ${escapeHtml(t.undo)}</li>`).join('');
  return (
    `<p><strong>Request cancelled</strong> by ${escapeHtml(by)}: ${escapeHtml(reason)}</p>` +
    (taken.length > 0
      ? `<p>Already done, and how to undo it (nothing is undone automatically):</p><ul>${rows}</ul>`
      : '<p>No step had taken effect: there is nothing to undo.</p>')
  );
}

/** What an agent (or a rule, the CLI, a macro) did to a request, as its internal note tells it. */
export type ActionTold =
  | { action: 'approved'; startAt?: number }
  | { action: 'rejected'; reason: string }
  | { action: 'step_completed' | 'step_finished_by_hand' | 'step_skipped'; step: string; note?: string; previousError?: string }
  | { action: 'step_retried'; step: string; previousError?: string }
  | { action: 'rescheduled'; startAt: number }
  | { action: 'started_now' }
  | { action: 'notes_retried'; notes: number; previousError?: string };

const paragraph = (label: string, text: string | undefined) => (text ? `<p><strong>${label}</strong>: ${escapeHtml(text)}</p>` : '');

/** The internal note of one action on a request: who, what, and the note or reason given. */
export function actionNote(by: string, told: ActionTold, timeZone: string): string {
  const who = escapeHtml(by);
  switch (told.action) {
    case 'approved':
      return `<p><strong>Approved</strong> by ${who}.${told.startAt === undefined ? '' : ` The work starts on ${escapeHtml(formatInZone(told.startAt, timeZone))}.`}</p>`;
    case 'rejected':
      return `<p><strong>Rejected</strong> by ${who}.</p>${paragraph('Reason', told.reason)}`;
    case 'step_completed':
      return `<p><strong>Marked done: ${escapeHtml(told.step)}</strong>, by ${who}.</p>${paragraph('Note', told.note)}`;
    case 'step_finished_by_hand':
      return `<p><strong>Finished by hand: ${escapeHtml(told.step)}</strong>, by ${who}.</p>${paragraph('Note', told.note)}${paragraph('It had failed with', told.previousError)}`;
    case 'step_skipped':
      return `<p><strong>Skipped: ${escapeHtml(told.step)}</strong>, by ${who}.</p>${paragraph('Note', told.note)}`;
    case 'step_retried':
      return `<p><strong>Retried: ${escapeHtml(told.step)}</strong>, by ${who}.</p>${paragraph('It had failed with', told.previousError)}`;
    case 'rescheduled':
      return `<p><strong>Rescheduled</strong> by ${who}: the work starts on ${escapeHtml(formatInZone(told.startAt, timeZone))}.</p>`;
    case 'started_now':
      return `<p><strong>Started now</strong> by ${who}: the work starts at once instead of on its scheduled date.</p>`;
    case 'notes_retried':
      return `<p><strong>Retried ${told.notes} ${told.notes === 1 ? 'note' : 'notes'}</strong> that could not be posted to this ticket, by ${who}; they come before this one.</p>${paragraph('Zendesk had refused with', told.previousError)}`;
  }
}
