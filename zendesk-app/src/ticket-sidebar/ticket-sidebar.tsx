import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Service } from '../service';
import type { RequestDetail } from '../schemas';
import { useAction } from '../use-action';
import { usePolled } from '../use-polled';
import { CourseCheck } from './course-check';
import { CancelForm } from './cancel-form';
import { DecisionForm } from './decision-form';
import { FailedNotesView } from './failed-notes';
import { History } from './history';
import { RequestSummary } from './request-summary';
import { ScheduleForm } from './schedule-form';
import { StepList } from './step-list';
import { Tabs } from './tabs';

/** How often the sidebar asks for news; a steady 2.5 s keeps running steps live without load. */
const POLL_MS = 2500;
const DECIDABLE = new Set(['pending_approval', 'waiting_on_requester']);
const FINISHED = new Set(['completed', 'rejected', 'cancelled']);

/** `first`: the ticket's request, already asked for while the app started (see main.tsx). */
export function TicketSidebar({ service, ticketId, first }: { service: Service; ticketId: number; first?: Promise<RequestDetail | undefined> | undefined }) {
  const load = useCallback(async () => ({ detail: (await service.ticket(ticketId)) ?? null }), [service, ticketId]);
  const [firstLoad] = useState(() => first?.then((detail) => ({ detail: detail ?? null })));
  const polled = usePolled(load, POLL_MS, firstLoad);
  const action = useAction();
  const [tab, setTab] = useState('steps');
  const detail = polled.data?.detail;
  const onChange = (next: RequestDetail) => polled.replace({ detail: next });

  useEffect(() => {
    // A standard performance mark: lets anyone (and the browser tests) time the first render with data.
    if (detail && performance.getEntriesByName('orc:first-data-render').length === 0) performance.mark('orc:first-data-render');
  }, [detail]);

  if (polled.loading) return <p class="muted" aria-busy="true">Loading the course request…</p>;
  if (!polled.data) return <p class="alert alert--bad" role="alert">{polled.error}</p>;
  if (!detail) return <p class="muted not-course">Not a course request: this ticket has no course request.</p>;

  return (
    <div class="sidebar" data-request={detail.request.id}>
      <RequestSummary request={detail.request} />
      {polled.error && <p class="alert alert--warn" role="status">Could not refresh: {polled.error}</p>}
      {action.error && (
        <p class="alert alert--bad" role="alert">
          {action.error}
        </p>
      )}
      {detail.failedNotes && <FailedNotesView detail={detail} failed={detail.failedNotes} service={service} action={action} onChange={onChange} />}
      {detail.request.type === 'publish' && detail.request.repo && <CourseCheck request={detail.request} service={service} action={action} />}
      {DECIDABLE.has(detail.request.status) && <DecisionForm detail={detail} service={service} action={action} onChange={onChange} />}
      {detail.request.status === 'scheduled' && <ScheduleForm detail={detail} service={service} action={action} onChange={onChange} />}
      {!FINISHED.has(detail.request.status) && <CancelForm detail={detail} service={service} action={action} onChange={onChange} />}
      <Tabs
        tabs={[
          { id: 'steps', label: `Steps (${detail.steps.length})` },
          { id: 'history', label: `History (${detail.events.length})` },
        ]}
        selected={tab}
        onSelect={setTab}
      >
        {tab === 'steps' ? <StepList detail={detail} service={service} action={action} onChange={onChange} /> : <History events={detail.events} steps={detail.steps} />}
      </Tabs>
    </div>
  );
}
