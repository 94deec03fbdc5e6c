import { appFrame, fieldChangedEvent } from './app-frame';
import { formatDay, formatTime } from '../../../../zendesk-app/src/format';
import { sanitizeInstructions } from '../../../../zendesk-app/src/sanitize';
import { el } from './dom';
import { fieldRefusal, fieldState, requestTypeOf, specOf } from './form-rules';
import { askService, formDraft, renderFindings, type Findings } from './service-findings';
import type { PageApi, PageConfig, Ticket, TicketField } from './page-api';
import type { Problem } from '../../../../zendesk-app/src/schemas';

const shortTitle = (f: TicketField) => f.title.replace(/^\[[^\]]+\]\s*/, '');
const valueOf = (ticket: Ticket, id: number) => ticket.customFields.find((f) => f.id === id)?.value ?? null;
/** A value as the agent reads it: a dropdown's name, a day in their format (as the sidebar writes it). */
function shown(f: TicketField, value: string | number | null): string {
  if (value === null || value === '') return '';
  if (f.type === 'date') return formatDay(String(value));
  return f.options?.find((o) => o.value === value)?.name ?? String(value);
}
const link = (config: PageConfig, path: string, text: string) => el('a', { href: `${config.basePath}${path}` }, text);

export async function ticketListView(config: PageConfig, api: PageApi): Promise<HTMLElement> {
  const tickets = await api.tickets();
  const rows = tickets.map((t) =>
    el('tr', {}, el('td', {}, `#${t.id}`), el('td', {}, link(config, `/tickets/${t.id}`, t.subject)), el('td', {}, t.requester.name ?? t.requester.email), el('td', {}, t.status)),
  );
  return el(
    'section',
    { class: 'panel' },
    el('h1', {}, 'Tickets'),
    tickets.length === 0
      ? el('p', {}, 'No tickets yet. ', link(config, '/new', 'File a course request'), '.')
      : el('table', { class: 'tickets' }, el('thead', {}, el('tr', {}, el('th', {}, 'Ticket'), el('th', {}, 'Subject'), el('th', {}, 'Requester'), el('th', {}, 'Status'))), el('tbody', {}, ...rows)),
  );
}

/**
 * The ticket and its sidebar. With `prerendered` (the app's iframe, already in the server's
 * HTML and loading), the app is answered at once, before the ticket and its fields arrive, and
 * only the ticket's panel is returned: moving an iframe in the DOM would reload it.
 */
export async function ticketView(config: PageConfig, api: PageApi, id: number, navigate: (path: string) => void, prerendered?: HTMLIFrameElement): Promise<HTMLElement> {
  const loading = Promise.all([api.fields(), api.ticket(id)]);
  loading.catch(() => undefined); // awaited below, where a failure is reported
  let ticket: Ticket | undefined;
  const facts = el('dl', { class: 'facts' });
  const renderFacts = (fields: TicketField[], t: Ticket) =>
    facts.replaceChildren(...fields.flatMap((f) => (shown(f, valueOf(t, f.id)) ? [el('dt', {}, shortTitle(f)), el('dd', {}, shown(f, valueOf(t, f.id)))] : [])));
  const { iframe } = appFrame(config, api, {
    location: 'ticket_sidebar',
    ticketId: id,
    fields: loading.then(([fields]) => fields),
    fieldValue: async (fieldId) => valueOf(ticket ?? (await loading)[1], fieldId),
    async setFieldValue(fieldId, value) {
      const [fields] = await loading;
      ticket = await api.setFields(id, [{ id: fieldId, value }]);
      renderFacts(fields, ticket);
    },
    routeToTicket: (t) => navigate(`/tickets/${t}`),
    iframe: prerendered,
  });
  const [fields, initial] = await loading;
  ticket ??= initial;
  renderFacts(fields, ticket);
  const status = el('p', { class: 'muted' });
  const conversation = el('ol', { class: 'conversation', 'aria-live': 'polite' });
  let shownComments = -1;
  const renderTicket = (t: Ticket) => {
    status.textContent = `${t.requester.name ?? ''} <${t.requester.email}> · ${t.status}`;
    // A ticket filed with a blank description starts with an empty comment: nothing to show.
    const comments = (t.comments ?? []).filter((c) => c.html.replace(MARKER, '').replace(/<[^>]*>/g, '').trim() !== '');
    if (comments.length === shownComments) return;
    shownComments = comments.length;
    conversation.replaceChildren(...comments.map(commentItem));
  };
  renderTicket(ticket);
  // The ticket story arrives as the engine works: follow it while the page is open.
  const timer = setInterval(() => {
    if (!conversation.isConnected) return clearInterval(timer);
    void api.ticket(id).then((t) => {
      ticket = t;
      renderTicket(t);
    });
  }, 2_000);
  const panel = el(
    'section',
    { class: 'panel ticket' },
    el('h1', {}, `#${ticket.id} ${ticket.subject}`),
    status,
    el('p', { class: 'description' }, ticket.description),
    facts,
    el('h2', {}, 'Conversation'),
    conversation,
  );
  return prerendered ? panel : el('div', { class: 'workspace' }, panel, el('aside', { class: 'sidebar', 'aria-label': 'Apps' }, iframe));
}

const MARKER = /<p style="display:none">\[orc-marker [^\]]+\]<\/p>/g;

function commentItem(c: NonNullable<Ticket['comments']>[number]): HTMLElement {
  const body = el('div', { class: 'comment-body' });
  const safe = sanitizeInstructions(c.html.replace(MARKER, ''));
  if (safe === undefined) body.textContent = c.html;
  else body.innerHTML = safe;
  return el(
    'li',
    { class: c.public ? 'comment' : 'comment comment--internal' },
    el('p', { class: 'muted' }, `${c.author} · ${c.public ? 'public reply' : 'internal note'} · ${formatTime(c.createdAt)}`),
    body,
  );
}

function fieldInput(f: TicketField, onChange: () => void): HTMLElement {
  const id = `field-${f.id}`;
  const hint = `${id}-hint`;
  const common = { id, name: id, 'aria-describedby': hint };
  const input =
    f.type === 'tagger'
      ? el('select', common, el('option', { value: '' }, '-'), ...(f.options ?? []).map((o) => el('option', { value: o.value }, o.name)))
      : f.type === 'textarea'
        ? el('textarea', { ...common, rows: '2' })
        : el('input', { ...common, type: f.type === 'date' ? 'date' : f.type === 'integer' ? 'number' : 'text' });
  input.addEventListener('input', onChange);
  return el('div', { class: 'field', 'data-field': f.key }, el('label', { for: id }, shortTitle(f)), input, el('p', { id: hint, class: 'field__hint muted' }, f.description), el('p', { class: 'field__problem', role: 'alert', hidden: true }));
}

/** How long typing pauses before the service is asked again about a form it found problems in. */
const RECHECK_MS = 400;

export async function newTicketView(config: PageConfig, api: PageApi, navigate: (path: string) => void): Promise<HTMLElement> {
  const fields = (await api.fields()).filter((f) => !/Decision|Rejection reason/.test(f.title));
  const form = el('form', { class: 'panel new-ticket', novalidate: true });
  const raw = (fieldId: number): string | null => {
    const input = form.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(`#field-${fieldId}`);
    return input && input.value !== '' ? input.value : null;
  };
  const typeField = fields.find((f) => f.key === 'request_type');
  const stateOf = (f: TicketField) => fieldState(f, requestTypeOf(typeField ? raw(typeField.id) : null));
  // A field hidden for the chosen type is not part of the ticket, as on Zendesk's form.
  const read = (fieldId: number): string | number | null => {
    const field = fields.find((f) => f.id === fieldId);
    return field && stateOf(field) === 'hidden' ? null : raw(fieldId);
  };
  const box = (f: TicketField) => form.querySelector<HTMLElement>(`[data-field="${f.key}"]`);
  // A field's mark is Zendesk's own refusal (required, format) when there is one, else the
  // service's finding about it; `render` applies both and the notice above the form.
  const refusals = new Map<number, string>();
  let findings: Findings = { state: 'none' };
  const shows = (f: TicketField, p: Problem) => stateOf(f) !== 'hidden' && p.field === specOf(f)?.property;
  const findingsOf = (f: TicketField) => (findings.state === 'found' ? findings.problems.filter((p) => shows(f, p)) : []);
  const findingsBox = el('div', { class: 'service-findings', role: 'status', hidden: true });
  const mark = (f: TicketField, problem: string | undefined, source: 'zendesk' | 'orcoursetrion') => {
    const node = box(f);
    node?.classList.toggle('field--invalid', problem !== undefined);
    if (problem) node?.setAttribute('data-marked-by', source);
    else node?.removeAttribute('data-marked-by');
    node?.querySelector('#field-' + f.id)?.toggleAttribute('aria-invalid', problem !== undefined);
    const text = node?.querySelector<HTMLElement>('.field__problem');
    if (text) {
      text.textContent = problem ? `${shortTitle(f)} ${problem}` : '';
      text.hidden = problem === undefined;
    }
  };
  const render = () => {
    for (const f of fields) {
      const refusal = stateOf(f) === 'hidden' ? undefined : refusals.get(f.id);
      const found = findingsOf(f).map((p) => p.message);
      mark(f, refusal ?? (found.length > 0 ? found.join('; ') : undefined), refusal ? 'zendesk' : 'orcoursetrion');
    }
    renderFindings(findingsBox, findings, (p) => fields.some((f) => shows(f, p)));
  };
  // The newest check's answer wins; a change to the form after the service has spoken asks again.
  let asked = 0;
  let recheck: ReturnType<typeof setTimeout> | undefined;
  const checkWithService = async () => {
    const run = ++asked;
    const draft = formDraft(fields, read);
    let outcome: Findings;
    try {
      outcome = Object.keys(draft).length === 0 ? { state: 'none' } : { state: 'found', problems: await askService(config, api, draft) };
    } catch (err) {
      outcome = { state: 'unavailable', reason: err instanceof Error ? err.message : String(err) };
    }
    if (run !== asked) return;
    findings = outcome;
    render();
  };
  const applyConditions = () => {
    for (const f of fields) {
      const state = stateOf(f);
      const node = box(f);
      if (!node) continue;
      node.hidden = state === 'hidden';
      node.classList.toggle('field--required', state === 'required');
      node.querySelector(`#field-${f.id}`)?.toggleAttribute('aria-required', state === 'required');
    }
    render();
  };
  const { iframe, host } = appFrame(config, api, {
    location: 'new_ticket_sidebar',
    fields,
    fieldValue: read,
    async setFieldValue(fieldId, value) {
      const input = form.querySelector<HTMLInputElement>(`#field-${fieldId}`);
      if (input) input.value = value === null ? '' : String(value);
      applyConditions();
    },
    routeToTicket: (t) => navigate(`/tickets/${t}`),
  });
  const status = el('div', { class: 'save-status', role: 'alert' });
  form.append(
    el('h1', {}, 'New course request'),
    findingsBox,
    el('div', { class: 'field' }, el('label', { for: 'subject' }, 'Subject'), el('input', { id: 'subject', name: 'subject', required: true, value: 'Course request' })),
    el('div', { class: 'field' }, el('label', { for: 'requester' }, 'Requester email'), el('input', { id: 'requester', name: 'requester', type: 'email', value: 'instructor@example.edu' })),
    ...fields.map((f) =>
      fieldInput(f, () => {
        if (refusals.has(f.id)) {
          const refusal = fieldRefusal(f, stateOf(f), raw(f.id));
          if (refusal) refusals.set(f.id, refusal);
          else refusals.delete(f.id);
        }
        if (f === typeField) applyConditions();
        else render();
        if (findings.state !== 'none') {
          clearTimeout(recheck);
          recheck = setTimeout(() => void checkWithService(), RECHECK_MS);
        }
        host.trigger(fieldChangedEvent(f.id), read(f.id));
      }),
    ),
    el('div', { class: 'field' }, el('label', { for: 'description' }, 'Description'), el('textarea', { id: 'description', name: 'description', rows: '3' })),
    status,
    el('button', { type: 'submit', class: 'button' }, 'Submit'),
  );
  applyConditions();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      status.textContent = '';
      status.className = 'save-status';
      // Zendesk's own checks (required for the type, a regexp field's format), the service's
      // findings (shown, never blocking by themselves) and the app's ticket.save hook.
      refusals.clear();
      for (const f of fields) {
        const problem = fieldRefusal(f, stateOf(f), raw(f.id));
        if (problem) refusals.set(f.id, problem);
      }
      clearTimeout(recheck);
      await checkWithService();
      const needs = fields.flatMap((f) => (refusals.has(f.id) && stateOf(f) !== 'hidden' ? [`• ${shortTitle(f)} ${refusals.get(f.id)}`] : []));
      const refusal = await host.hook('ticket.save');
      if (refusal !== undefined || needs.length > 0) {
        status.textContent = [refusal, needs.length > 0 ? `The form needs:\n${needs.join('\n')}` : undefined].filter(Boolean).join('\n\n');
        status.className = 'save-status save-status--refused';
        form.querySelector<HTMLElement>('.field--invalid input, .field--invalid select, .field--invalid textarea')?.focus();
        return;
      }
      const value = (name: string) => form.querySelector<HTMLInputElement>(`#${name}`)?.value ?? '';
      try {
        const ticket = await api.create({
          subject: value('subject'),
          description: value('description'),
          requester: { email: value('requester') },
          customFields: fields.flatMap((f) => (read(f.id) === null ? [] : [{ id: f.id, value: read(f.id) }])),
        });
        navigate(`/tickets/${ticket.id}`);
      } catch (err) {
        status.textContent = err instanceof Error ? err.message : String(err);
        status.className = 'save-status save-status--refused';
      }
    })();
  });
  return el('div', { class: 'workspace' }, form, el('aside', { class: 'sidebar', 'aria-label': 'Apps' }, iframe));
}

export async function dashboardView(config: PageConfig, api: PageApi, navigate: (path: string) => void): Promise<HTMLElement> {
  const { iframe } = appFrame(config, api, { location: 'nav_bar', fields: [], fieldValue: () => null, setFieldValue: async () => {}, routeToTicket: (t) => navigate(`/tickets/${t}`) });
  return el('section', { class: 'nav-app' }, iframe);
}
