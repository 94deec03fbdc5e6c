import { useState } from 'preact/hooks';
import type { RequestDetail } from '../schemas';
import type { Service } from '../service';
import type { ActionState } from '../use-action';

const pad = (n: number) => String(n).padStart(2, '0');
/** The agent's own calendar day of an instant, as a date input wants it (YYYY-MM-DD). */
const localDay = (iso: string) => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
/** A day picked by the agent starts at their midnight, not UTC's. */
const startOfLocalDay = (day: string) => new Date(`${day}T00:00`).toISOString();

/** An approved request waiting for its start date: start it now, or move the date. */
export function ScheduleForm(props: { detail: RequestDetail; service: Service; action: ActionState; onChange(detail: RequestDetail): void }) {
  const { detail, service, action, onChange } = props;
  const id = detail.request.id;
  const [date, setDate] = useState(detail.request.startAt ? localDay(detail.request.startAt) : '');
  return (
    <section class="decision" aria-label="Schedule">
      <div class="buttons">
        <button type="button" class="button button--primary" disabled={!!action.busy} onClick={() => void action.run('run-now', async () => onChange(await service.runNow(id)))}>
          {action.busy === 'run-now' ? 'Starting…' : 'Run now'}
        </button>
      </div>
      <div class="field">
        <label for="reschedule-date">Start on</label>
        <input id="reschedule-date" type="date" value={date} onInput={(e) => setDate(e.currentTarget.value)} />
      </div>
      <div class="buttons">
        <button type="button" class="button" disabled={!!action.busy || !date} onClick={() => void action.run('reschedule', async () => onChange(await service.reschedule(id, startOfLocalDay(date))))}>
          {action.busy === 'reschedule' ? 'Saving…' : 'Reschedule'}
        </button>
      </div>
    </section>
  );
}
