import type { Instructions, StepDefinition } from '../engine/types';
import type { Problem } from '../requests/draft';
import { formatInZone } from '../requests/dates';
import type { Plan } from '../workflows/plan';
import { escapeHtml, link } from './html';

/**
 * What the ticket says at each stage. Every interpolated value is escaped; the only raw HTML
 * comes from instruction templates, which escape their own values.
 */

const FIELD_LABELS: Record<string, string> = {
  type: 'Request type',
  courseNumber: 'Course number',
  courseTitle: 'Course title',
  kind: 'Course kind',
  term: 'Term',
  newTerm: 'New term',
  teamMembers: 'Team members',
  team: 'Course team',
  instructor: 'Instructor',
  weeks: 'Weeks',
  startDate: 'Start date',
  desiredCompletion: 'Desired completion date',
  repo: 'Repository',
  description: 'Description',
};
export const fieldLabel = (field: string) => FIELD_LABELS[field] ?? field;

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

export function problemsReply(problems: Problem[]): string {
  return (
    '<p>Thank you for your course request. Before we can start, please fix the following in the ticket\'s fields:</p>' +
    `<ul>${problems.map((p) => `<li><strong>${escapeHtml(fieldLabel(p.field))}</strong>: ${escapeHtml(p.message)}</li>`).join('')}</ul>` +
    '<p>We check the request again as soon as you save your changes.</p>'
  );
}

export function planNote(plan: Plan, steps: StepDefinition[], awaitingApproval: boolean): string {
  const rows = steps
    .map((s) => `<li>${escapeHtml(s.title)} <em>(${s.skipReason ? `skipped: ${escapeHtml(s.skipReason)}` : s.kind === 'auto' ? 'automatic' : 'manual: instructions will follow'})</em></li>`)
    .join('');
  const manual = steps.filter((s) => s.kind === 'manual' && !s.skipReason).length;
  return (
    `<p><strong>Course request is valid.</strong> Repository <code>${escapeHtml(`${plan.org}/${plan.repo}`)}</code>, course key <code>${escapeHtml(plan.courseKey)}</code>.</p>` +
    `<p>Plan (${steps.length} steps, ${manual} manual):</p><ol>${rows}</ol>` +
    (awaitingApproval ? '<p>Approve it with the <strong>Approve course request</strong> macro or in the Orcoursetrion sidebar, or reject it with a reason.</p>' : '')
  );
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
