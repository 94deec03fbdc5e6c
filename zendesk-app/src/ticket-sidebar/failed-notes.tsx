import type { FailedNotes, RequestDetail } from '../schemas';
import type { Service } from '../service';
import type { ActionState } from '../use-action';

/**
 * Notes the service gave up posting to this ticket: the agent sees what the ticket was never
 * told (each note's first line) and why, and can have them posted again.
 */
export function FailedNotesView({ detail, failed, service, action, onChange }: { detail: RequestDetail; failed: FailedNotes; service: Service; action: ActionState; onChange(next: RequestDetail): void }) {
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
      <div class="buttons">
        <button type="button" class="button button--primary" disabled={!!action.busy} onClick={() => void action.run('retry-notes', async () => onChange(await service.retryNotes(detail.request.id)))}>
          {action.busy === 'retry-notes' ? 'Retrying…' : failed.count === 1 ? 'Retry the note' : `Retry the ${failed.count} notes`}
        </button>
      </div>
    </section>
  );
}
