import type { RequestRow, StepRow } from '../db/schema';
import { instructionsOf } from '../engine/instructions-of';
import type { StepDefinition } from '../engine/types';
import { githubPage, lmsPage, studioPage, type EdxSites } from '../instructions/sites';
import { plannedStepView, stepView, teamChangeView } from '../requests/views';
import { describeTeam, planOf } from '../workflows/plan';
import type { FailedNotes } from '../story/failed-notes';

/**
 * A request's plan for the terminal: what will be created where (with the web addresses), and
 * every step in order, automatic or manual, with the manual steps' instructions. Before approval
 * the steps are the workflow's definitions; after, the stored rows with their states.
 */
export function planView(request: RequestRow, defs: StepDefinition[], rows: StepRow[], sites: EdxSites, approval?: { rule: string | null }, failedNotes?: FailedNotes) {
  const plan = planOf(request);
  const steps =
    rows.length > 0
      ? rows.map((s) => stepView(s, instructionsOf(defs.find((d) => d.key === s.key), request, s)))
      : defs.map((d) => plannedStepView(d, request));
  const links = plan
    ? [
        { label: `Repository ${plan.org}/${plan.repo}`, url: githubPage.repo(sites, `${plan.org}/${plan.repo}`) },
        ...(plan.sourceRepo ? [{ label: `Old repository ${plan.org}/${plan.sourceRepo}`, url: githubPage.repo(sites, `${plan.org}/${plan.sourceRepo}`) }] : []),
        plan.kind === 'studio'
          ? { label: `${plan.courseKey} in Studio`, url: studioPage.outline(sites, plan.courseKey) }
          : { label: `${plan.courseKey} on the staging LMS`, url: lmsPage.courseware(sites, 'staging', plan.courseKey) },
      ]
    : [];
  return {
    request: { id: request.id || null, type: request.type, status: request.id ? request.status : null, courseNumber: request.courseNumber, term: request.term, newTerm: request.newTerm, courseKey: request.courseKey, repo: request.repo, teamChange: teamChangeView(request) },
    plan: plan ?? null,
    /** The course team and where it came from (the plan note's words). */
    team: plan ? describeTeam(plan, request.ticketId !== null) : null,
    links,
    steps,
    ...(approval && { approval }),
    /** Notes the outbox gave up on: the ticket was never told these (the sidebar can retry them). */
    ...(failedNotes && { failedNotes }),
  };
}
export type PlanView = ReturnType<typeof planView>;

const indent = (text: string, pad: string) => text.split('\n').map((l) => (l.trim() ? pad + l : '')).join('\n');

export function planText(view: PlanView): string {
  const { request, plan, steps } = view;
  const lines: string[] = [];
  const terms = request.newTerm ? `${request.term} -> ${request.newTerm}` : request.term;
  lines.push(`${request.id ? `Request ${request.id} (${request.status})` : 'Plan (nothing was changed)'}: ${request.type} ${plan?.kind ?? ''} ${request.courseNumber} ${terms}`.replace(/\s+/g, ' '));
  if (plan) {
    lines.push(`  course key  ${plan.courseKey}`);
    if (view.team) lines.push(`  course team ${view.team}`);
    lines.push(`  edX APIs    ${plan.api.length ? plan.api.join(', ') : 'none: every edX step is a manual step with instructions'}`);
    if (request.teamChange) lines.push(`  team change adds ${request.teamChange.add.join(', ') || 'nobody'}; removes ${request.teamChange.remove.join(', ') || 'nobody'}`);
    for (const l of view.links) lines.push(`  ${l.label}: ${l.url}`);
  }
  if (view.failedNotes) {
    lines.push(view.failedNotes.headline);
    for (const n of view.failedNotes.notes) lines.push(`  ${n.public ? 'public reply' : 'internal note'} of ${n.createdAt}: ${n.firstLine}`);
    lines.push(`  Retry them from the ticket's sidebar (Retry) or with POST /api/requests/${request.id}/notes/retry; or dismiss them with a reason (Dismiss, or POST /api/requests/${request.id}/notes/dismiss).`);
  }
  if (view.approval) lines.push(`Approval: ${view.approval.rule === null ? 'an agent (no approval rule matches)' : `the approval rule "${view.approval.rule}" would approve it`}`);
  const manual = steps.filter((s) => s.kind === 'manual' && s.status !== 'skipped').length;
  lines.push(`Steps (${steps.length}: ${steps.length - manual} automatic or skipped, ${manual} manual):`);
  steps.forEach((s, i) => {
    const state = request.id ? ` [${s.status}]` : s.status === 'skipped' ? ' [skipped]' : '';
    lines.push(`  ${String(i + 1).padStart(2)}. ${s.kind.padEnd(6)} ${s.key}: ${s.title}${state}`);
    if (s.note && s.status === 'skipped') lines.push(`        ${s.note}`);
    if (s.instructions) lines.push(indent(s.instructions.text, '        '));
  });
  return lines.join('\n') + '\n';
}
