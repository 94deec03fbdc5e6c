import { useState } from 'preact/hooks';
import { age, plural, REQUEST_STATUS_LABELS, REQUEST_TYPE_LABELS, STEP_STATUS_LABELS } from '../format';
import { NoteField, useNote } from '../note-field';
import { REQUEST_STATUSES, REQUEST_TYPES, type BulkAction, type BulkResults, type Dashboard } from '../schemas';
import type { Service } from '../service';
import { RequestStatusBadge } from '../status-badge';
import { useAction } from '../use-action';
import type { ZafClient } from '../zaf';
import { TicketLink } from './ticket-link';

type OpenRequest = Dashboard['open'][number];

const ACTION_LABELS: Record<BulkAction, { button: string; busy: string; done: string }> = {
  approve: { button: 'Approve', busy: 'Approving…', done: 'approved' },
  retry: { button: 'Retry failed steps', busy: 'Retrying…', done: 'retried' },
  'run-now': { button: 'Run now', busy: 'Starting…', done: 'started' },
  reject: { button: 'Reject', busy: 'Rejecting…', done: 'rejected' },
  cancel: { button: 'Cancel', busy: 'Cancelling…', done: 'cancelled' },
};

/** The actions every requester is told the reason for: one reason, asked before acting. */
type ReasonedAction = Extract<BulkAction, 'reject' | 'cancel'>;
const REASON_LABELS: Record<ReasonedAction, string> = { reject: 'rejecting', cancel: 'cancelling' };

interface Filters {
  status: string;
  type: string;
  term: string;
  overdueOnly: boolean;
}

const matches = (r: OpenRequest, f: Filters) =>
  (!f.status || r.status === f.status) && (!f.type || r.type === f.type) && (!f.term || r.term === f.term) && (!f.overdueOnly || r.overdue);

/** What a bulk action did: a count, and each refused request with the service's reason. */
function Outcome({ action, results, label }: { action: BulkAction; results: BulkResults['results']; label: (id: number) => string }) {
  const failed = results.filter((r) => !r.ok);
  return (
    <div class={`alert ${failed.length ? 'alert--warn' : 'alert--ok'}`} role="status">
      {`${plural(results.length - failed.length, 'request')} ${ACTION_LABELS[action].done}`}
      {failed.length > 0 && `, ${plural(failed.length, 'request')} not:`}
      {failed.length > 0 && (
        <ul>
          {failed.map((r) => (
            <li key={r.id}>{`${label(r.id)}: ${r.error ?? 'refused'}`}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The open requests with filters, checkboxes and the bulk actions (POST /api/requests/bulk):
 * each selected request is acted on as if alone, and the outcome names each one refused.
 */
export function RequestTable({ open, client, service, onChanged, now }: { open: OpenRequest[]; client: ZafClient; service: Service; onChanged(): Promise<void>; now: number }) {
  const [filters, setFilters] = useState<Filters>({ status: '', type: '', term: '', overdueOnly: false });
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [asking, setAsking] = useState<ReasonedAction | undefined>(undefined);
  const reason = useNote();
  const [outcome, setOutcome] = useState<{ action: BulkAction; results: BulkResults['results'] } | undefined>(undefined);
  const action = useAction();

  const visible = open.filter((r) => matches(r, filters));
  // Only what is on screen can be acted on: a filter change leaves hidden rows out.
  const chosen = visible.filter((r) => selected.has(r.requestId)).map((r) => r.requestId);
  const terms = [...new Set(open.map((r) => r.term).filter((t): t is string => Boolean(t)))].sort();
  const statuses = REQUEST_STATUSES.filter((s) => open.some((r) => r.status === s));
  const label = (id: number) => {
    const r = open.find((o) => o.requestId === id);
    return `#${r?.ticketId ?? id} ${r?.courseNumber ?? ''}`.trim();
  };

  const toggle = (id: number, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const allChosen = visible.length > 0 && chosen.length === visible.length;

  const act = async (name: BulkAction) => {
    const reasoned = name === asking;
    if (reasoned && !reason.demand('A reason is required: every requester will read it.')) return;
    const ids = chosen;
    await action.run(name, async () => {
      const { results } = await service.bulk(name, ids, reasoned ? reason.text : undefined);
      setOutcome({ action: name, results });
      setSelected(new Set(results.filter((r) => !r.ok).map((r) => r.id)));
      if (reasoned) {
        setAsking(undefined);
        reason.reset();
      }
      await onChanged();
    });
  };

  const select = (id: string, text: string, value: string, options: [string, string][], set: (v: string) => void) => (
    <label class="filters__filter" for={id}>
      {text}{' '}
      <select id={id} value={value} onChange={(e) => set(e.currentTarget.value)}>
        <option value="">All</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section aria-labelledby="open-heading">
      <h2 id="open-heading" class="section-title">{`Open requests (${visible.length === open.length ? open.length : `${visible.length} of ${open.length}`})`}</h2>
      <div class="filters" role="group" aria-label="Filters">
        {select('filter-status', 'State', filters.status, statuses.map((s) => [s, REQUEST_STATUS_LABELS[s]]), (status) => setFilters({ ...filters, status }))}
        {select('filter-type', 'Type', filters.type, REQUEST_TYPES.map((t) => [t, REQUEST_TYPE_LABELS[t]]), (type) => setFilters({ ...filters, type }))}
        {select('filter-term', 'Term', filters.term, terms.map((t) => [t, t]), (term) => setFilters({ ...filters, term }))}
        <label class="filters__filter">
          <input type="checkbox" checked={filters.overdueOnly} onChange={(e) => setFilters({ ...filters, overdueOnly: e.currentTarget.checked })} /> Overdue only
        </label>
      </div>

      <div class="buttons" role="group" aria-label="Bulk actions">
        {(['approve', 'retry', 'run-now'] as const).map((name) => (
          <button key={name} type="button" class={`button${name === 'approve' ? ' button--primary' : ''}`} disabled={!!action.busy || chosen.length === 0} onClick={() => void act(name)}>
            {action.busy === name ? ACTION_LABELS[name].busy : `${ACTION_LABELS[name].button} (${chosen.length})`}
          </button>
        ))}
        {(['reject', 'cancel'] as const).map((name) => (
          <button key={name} type="button" class="button" disabled={!!action.busy || chosen.length === 0} onClick={() => {
              setAsking(name);
              reason.focusSoon();
            }}>
            {`${ACTION_LABELS[name].button}… (${chosen.length})`}
          </button>
        ))}
      </div>
      {asking && (
        <div>
          <NoteField id={`bulk-${asking}-reason`} label={`Reason for ${REASON_LABELS[asking]} ${plural(chosen.length, 'request')} (sent to each requester)`} {...reason.props} />
          <div class="buttons">
            <button type="button" class="button button--danger" disabled={!!action.busy || chosen.length === 0} onClick={() => void act(asking)}>
              {action.busy === asking ? ACTION_LABELS[asking].busy : `${ACTION_LABELS[asking].button} ${plural(chosen.length, 'request')}`}
            </button>
            <button type="button" class="button" disabled={!!action.busy} onClick={() => setAsking(undefined)}>
              Back
            </button>
          </div>
        </div>
      )}
      {action.error && (
        <p class="alert alert--bad" role="alert">
          {action.error}
        </p>
      )}
      {outcome && <Outcome action={outcome.action} results={outcome.results} label={label} />}

      {visible.length === 0 ? (
        <p class="muted">{open.length === 0 ? 'No open requests.' : 'No open request matches these filters.'}</p>
      ) : (
        <table class="table requests">
          <thead>
            <tr>
              <th scope="col">
                <input type="checkbox" aria-label="Select every request shown" checked={allChosen} onChange={(e) => setSelected(e.currentTarget.checked ? new Set(visible.map((r) => r.requestId)) : new Set())} />
              </th>
              <th scope="col">Request</th>
              <th scope="col">State</th>
              <th scope="col">Current step</th>
              <th scope="col">Age</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <tr key={r.requestId} data-request-id={r.requestId}>
                <td>
                  <input type="checkbox" aria-label={`Select ${label(r.requestId)}`} checked={selected.has(r.requestId)} onChange={(e) => toggle(r.requestId, e.currentTarget.checked)} />
                </td>
                <td>
                  <TicketLink client={client} ticketId={r.ticketId}>
                    {label(r.requestId)}
                  </TicketLink>{' '}
                  <strong>{r.courseTitle ?? ''}</strong>
                  <div class="muted">{`${REQUEST_TYPE_LABELS[r.type]} ${r.term ?? ''}`}</div>
                </td>
                <td>
                  <RequestStatusBadge status={r.status} />
                  {r.overdue && <span class="badge badge--bad">Overdue</span>}
                </td>
                <td>
                  {r.currentStep ? (
                    <span>
                      {r.currentStep.title} <span class="muted">{`(${STEP_STATUS_LABELS[r.currentStep.status]}, ${plural(r.currentStep.attempts, 'attempt')})`}</span>
                    </span>
                  ) : (
                    <span class="muted">not started</span>
                  )}
                </td>
                <td class="requests__age">{age(r.requestedAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
