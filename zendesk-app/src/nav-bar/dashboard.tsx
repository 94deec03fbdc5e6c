import { useCallback } from 'preact/hooks';
import { plural, REQUEST_STATUS_LABELS, REQUEST_TYPE_LABELS } from '../format';
import { REQUEST_STATUSES, REQUEST_TYPES, type Dashboard as DashboardData } from '../schemas';
import type { Service } from '../service';
import { usePolled } from '../use-polled';
import type { ZafClient } from '../zaf';
import { CompletionChart } from './completion-chart';
import { RequestTable } from './request-table';
import { TicketLink } from './ticket-link';

const POLL_MS = 15_000;

function formatHours(hours: number): string {
  return hours < 48 ? `${Math.round(hours)} h` : `${(hours / 24).toFixed(1)} days`;
}

function CountsTable({ counts }: { counts: DashboardData['counts'] }) {
  const countOf = (status: string, type: string) => counts.find((c) => c.status === status && c.type === type)?.count ?? 0;
  const rows = REQUEST_STATUSES.filter((s) => REQUEST_TYPES.some((t) => countOf(s, t) > 0));
  if (rows.length === 0) return <p class="muted">No requests yet.</p>;
  return (
    <table class="table">
      <caption class="section-title">Requests by state and type</caption>
      <thead>
        <tr>
          <th scope="col">State</th>
          {REQUEST_TYPES.map((t) => (
            <th scope="col" key={t} class="num">
              {REQUEST_TYPE_LABELS[t]}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s}>
            <th scope="row">{REQUEST_STATUS_LABELS[s]}</th>
            {REQUEST_TYPES.map((t) => (
              <td key={t} class="num">
                {countOf(s, t) || '·'}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Dashboard({ client, service }: { client: ZafClient; service: Service }) {
  const load = useCallback(() => service.dashboard(), [service]);
  const polled = usePolled(load, POLL_MS);
  const data = polled.data;
  if (polled.loading) return <p class="muted" aria-busy="true">Loading the dashboard…</p>;
  if (!data) return <p class="alert alert--bad" role="alert">{polled.error}</p>;
  return (
    <div class="dashboard">
      <h1 class="dashboard__title">Course requests</h1>
      {polled.error && <p class="alert alert--warn" role="status">Could not refresh: {polled.error}</p>}
      <div class="dashboard__grid">
        <section>
          <CountsTable counts={data.counts} />
        </section>
        <section aria-labelledby="throughput-heading">
          <h2 id="throughput-heading" class="section-title">Throughput</h2>
          <CompletionChart weeks={data.completedPerWeek} />
          <p>
            Median time to completion: <strong>{data.medianCompletionHours === null ? 'no completed requests yet' : formatHours(data.medianCompletionHours)}</strong>
          </p>
        </section>
      </div>
      <section aria-labelledby="attention-heading">
        <h2 id="attention-heading" class="section-title">Failed steps needing attention ({data.attention.length})</h2>
        {data.attention.length === 0 ? (
          <p class="muted">None: nothing has failed.</p>
        ) : (
          <ul class="rows">
            {data.attention.map((a) => (
              <li key={`${a.requestId}:${a.stepKey}`} class="rows__row">
                <TicketLink client={client} ticketId={a.ticketId}>{`#${a.ticketId ?? a.requestId} ${a.courseNumber ?? ''}`}</TicketLink>
                <span>
                  {a.stepTitle} <span class="muted">({plural(a.attempts, 'attempt')})</span>
                </span>
                {a.error && <span class="step__error">{a.error}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <RequestTable open={data.open} client={client} service={service} now={Date.now()} onChanged={async () => polled.replace(await service.dashboard())} />
    </div>
  );
}
