import { draftFrom, fieldLabel } from '../../../courses/request-fields';
import { validationSchema, type Problem } from '../../../../zendesk-app/src/schemas';
import { serviceRequest } from '../../../../zendesk-app/src/service-request';
import { el } from './dom';
import { specOf } from './form-rules';
import type { PageApi, PageConfig, TicketField } from './page-api';

/**
 * Orcoursetrion's own findings on the new-ticket form: what intake would reply on the ticket
 * (a GitHub user that does not exist, an unknown course for a publish, a term that does not
 * parse), from the service's /api/validate, asked as the app asks (through the page's proxy,
 * which holds the secret). Zendesk has no such check of its own: real Zendesk accepts the
 * ticket and intake replies on it; the page shows the same findings before submit.
 */

/** The form's values as the draft the app sends; empty when no course-request field is filled in. */
export function formDraft(fields: TicketField[], read: (id: number) => string | number | null): Record<string, string> {
  return draftFrom(fields.flatMap((f) => {
    const spec = specOf(f);
    return spec?.requesterFacing ? [[spec, read(f.id)] as const] : [];
  }));
}

/** The service's problems with a draft; throws with a reason when it cannot be asked. */
export async function askService(config: PageConfig, api: PageApi, draft: Record<string, string>): Promise<Problem[]> {
  const serviceUrl = config.settings['service_url'];
  if (!serviceUrl) throw new Error('the app has no Service URL setting');
  const answer = await api.zafRequest(serviceRequest(serviceUrl, config.currentUser, 'POST', '/api/validate', draft));
  if (answer.status !== 200) throw new Error(`the service answered ${answer.status}`);
  const parsed = validationSchema.safeParse(JSON.parse(answer.body));
  if (!parsed.success) throw new Error('the service\'s answer was not understood');
  return parsed.data.problems;
}

export type Findings = { state: 'none' } | { state: 'found'; problems: Problem[] } | { state: 'unavailable'; reason: string };

/**
 * The notice above the form: what the findings are, and those that name no field shown on the
 * form (`placed` says which are marked on a field instead). Hidden when there is nothing to say.
 */
export function renderFindings(box: HTMLElement, findings: Findings, placed: (p: Problem) => boolean): void {
  box.hidden = findings.state === 'none' || (findings.state === 'found' && findings.problems.length === 0);
  if (findings.state === 'unavailable') {
    box.replaceChildren(el('p', {}, `Could not ask Orcoursetrion for its findings (${findings.reason}). The ticket can still be submitted: intake checks it and replies on the ticket.`));
    return;
  }
  if (findings.state !== 'found' || findings.problems.length === 0) return box.replaceChildren();
  const unplaced = findings.problems.filter((p) => !placed(p));
  const list = el('ul', {}, ...unplaced.map((p) => el('li', {}, el('strong', {}, fieldLabel(p.field)), ` ${p.message}`, p.warning ? el('em', {}, ' (a warning: it does not block)') : null)));
  box.replaceChildren(
    el(
      'p',
      {},
      el('strong', {}, "Orcoursetrion's findings"),
      ' (the checks its intake runs, asked before submit; the fields they name are marked below). Zendesk itself accepts such a ticket from a requester, and the service replies on it asking for these fixes; in the agent\'s new-ticket page, the Orcoursetrion app refuses the save while one of them blocks.',
    ),
    ...(unplaced.length > 0 ? [list] : []),
  );
}
