import { actionLabel, formatTime } from '../format';
import type { AuditEvent } from '../schemas';

/** What the detail adds to the action's name: the step, the note or reason. */
function detailText(event: AuditEvent): string {
  const d = event.detail ?? {};
  return ['step', 'reason', 'note'].flatMap((k) => (typeof d[k] === 'string' && d[k] ? [String(d[k])] : [])).join(' · ');
}

export function History({ events }: { events: AuditEvent[] }) {
  if (events.length === 0) return <p class="muted">Nothing has happened yet.</p>;
  return (
    <ol class="history">
      {[...events].reverse().map((e) => (
        <li key={e.id}>
          <p>
            <strong>{actionLabel(e.action)}</strong> by {e.actorName ?? e.actor}
          </p>
          {detailText(e) && <p class="history__detail">{detailText(e)}</p>}
          <time dateTime={e.at}>{formatTime(e.at)}</time>
        </li>
      ))}
    </ol>
  );
}
