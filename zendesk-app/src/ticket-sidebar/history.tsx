import { actionLabel, formatTime } from '../format';
import type { AuditEvent } from '../schemas';

/** What the detail adds to the action's name: the step (by its title), the note or reason. */
function detailText(event: AuditEvent, titles: Map<string, string>): string {
  const d = event.detail ?? {};
  return ['step', 'reason', 'note']
    .flatMap((k) => (typeof d[k] === 'string' && d[k] ? [k === 'step' ? (titles.get(String(d[k])) ?? String(d[k])) : String(d[k])] : []))
    .join(' · ');
}

/** `steps`: the request's steps, so an event names its step by title, not by key. */
export function History({ events, steps = [] }: { events: AuditEvent[]; steps?: { key: string; title: string }[] }) {
  const titles = new Map(steps.map((s) => [s.key, s.title]));
  if (events.length === 0) return <p class="muted">Nothing has happened yet.</p>;
  return (
    <ol class="history">
      {[...events].reverse().map((e) => (
        <li key={e.id}>
          <p>
            <strong>{actionLabel(e.action)}</strong> by {e.actorName ?? e.actor}
          </p>
          {detailText(e, titles) && <p class="history__detail">{detailText(e, titles)}</p>}
          <time dateTime={e.at}>{formatTime(e.at)}</time>
        </li>
      ))}
    </ol>
  );
}
