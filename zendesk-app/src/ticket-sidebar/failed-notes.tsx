import { useState } from 'preact/hooks';
import type { FailedNotes, RequestDetail } from '../schemas';
import type { Service } from '../service';
import type { ActionState } from '../use-action';
import { ReasonForm } from './reason-form';

/**
 * Notes the service gave up posting to this ticket: the agent sees what the ticket was never
 * told (each note's first line) and why, and can have them posted again, or dismiss them with a
 * reason when posting is no longer possible (a closed ticket refuses every retry).
 */
export function FailedNotesView({ detail, failed, service, action, onChange }: { detail: RequestDetail; failed: FailedNotes; service: Service; action: ActionState; onChange(next: RequestDetail): void }) {
  const [dismissing, setDismissing] = useState(false);
  return (
    <section class="failed-notes" aria-label="Notes not posted">
      <p class="alert alert--bad" role="alert">
        {failed.headline}
      </p>
      <ul class="failed-notes__list">
        {failed.notes.map((n) => (
          <li key={n.id} data-note={n.id}>
            <strong>{n.public ? 'Public reply' : 'Internal note'}:</strong> {n.firstLine}
          </li>
        ))}
      </ul>
      {dismissing ? (
        <ReasonForm
          id="dismiss-notes-reason"
          label="Why these notes need not be posted (kept in the history)"
          required="A reason is required: say why the ticket need not get these notes."
          confirm={failed.count === 1 ? 'Dismiss the note' : `Dismiss the ${failed.count} notes`}
          busyLabel="Dismissing…"
          back="Keep them"
          action={action}
          actionName="dismiss-notes"
          onConfirm={async (reason) => onChange(await service.dismissNotes(detail.request.id, reason))}
          onBack={() => setDismissing(false)}
        />
      ) : (
        <div class="buttons">
          <button type="button" class="button button--primary" disabled={!!action.busy} onClick={() => void action.run('retry-notes', async () => onChange(await service.retryNotes(detail.request.id)))}>
            {action.busy === 'retry-notes' ? 'Retrying…' : failed.count === 1 ? 'Retry the note' : `Retry the ${failed.count} notes`}
          </button>
          <button type="button" class="button" disabled={!!action.busy} onClick={() => setDismissing(true)}>
            Dismiss…
          </button>
        </div>
      )}
    </section>
  );
}
