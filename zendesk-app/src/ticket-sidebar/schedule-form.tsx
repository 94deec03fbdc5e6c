import { useState } from 'preact/hooks';
import { formatDay } from '../format';
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
  // A day already begun starts the work at once: the agent confirms that first.
  const [confirming, setConfirming] = useState(false);
  const reschedule = (confirm: boolean) => void action.run('reschedule', async () => onChange(await service.reschedule(id, startOfLocalDay(date), confirm)));
  const onReschedule = () => (Date.parse(startOfLocalDay(date)) <= Date.now() ? setConfirming(true) : reschedule(false));
  return (
    <section class="decision" aria-label="Schedule">
      <div class="buttons">
        <button type="button" class="button button--primary" disabled={!!action.busy} onClick={() => void action.run('run-now', async () => onChange(await service.runNow(id)))}>
          {action.busy === 'run-now' ? 'Starting…' : 'Run now'}
        </button>
      </div>
      <div class="field">
        <label for="reschedule-date">Start on</label>
        <input
          id="reschedule-date"
          type="date"
          value={date}
          onInput={(e) => {
            setDate(e.currentTarget.value);
            setConfirming(false);
          }}
        />
      </div>
      {confirming ? (
        <div class="alert alert--warn" role="alertdialog" aria-labelledby="reschedule-confirm">
          <p id="reschedule-confirm">{formatDay(date)} is in the past: rescheduling to it starts the work now.</p>
          <div class="buttons">
            <button type="button" class="button button--primary" disabled={!!action.busy} onClick={() => reschedule(true)}>
              {action.busy === 'reschedule' ? 'Starting…' : 'Start now'}
            </button>
            <button type="button" class="button" disabled={!!action.busy} onClick={() => setConfirming(false)}>
              Back
            </button>
          </div>
        </div>
      ) : (
        <div class="buttons">
          <button type="button" class="button" disabled={!!action.busy || !date} onClick={onReschedule}>
            {action.busy === 'reschedule' ? 'Saving…' : 'Reschedule'}
          </button>
        </div>
      )}
    </section>
  );
}
