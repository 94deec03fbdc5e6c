import { useState } from 'preact/hooks';
import type { CourseCheckResult, CourseRequest } from '../schemas';
import type { Service } from '../service';
import type { ActionState } from '../use-action';

/** As in the ticket reply: the first 20, the rest counted. */
const SHOWN = 20;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The course quality check on demand: what intake would find in the repository right now. */
export function CourseCheck({ request, service, action }: { request: CourseRequest; service: Service; action: ActionState }) {
  const [result, setResult] = useState<CourseCheckResult | undefined>(undefined);
  const blocking = result?.problems.filter((p) => p.severity === 'blocking').length ?? 0;
  return (
    <section class="course-check" aria-label="Course check">
      <div class="buttons">
        <button type="button" class="button" disabled={!!action.busy} onClick={() => void action.run('check', async () => setResult(await service.check(request.id)))}>
          {action.busy === 'check' ? 'Checking the course…' : 'Check the course'}
        </button>
      </div>
      {result && (
        <p class={`alert ${result.blocking ? 'alert--bad' : 'alert--ok'}`} role="status">
          {result.repo}@{result.branch}: {plural(blocking, 'blocking problem')}, {plural(result.problems.length - blocking, 'warning')}
        </p>
      )}
      {result && result.problems.length > 0 && (
        <ul class="course-check__problems">
          {result.problems.slice(0, SHOWN).map((p, i) => (
            <li key={i} data-severity={p.severity}>
              <strong>{p.severity === 'blocking' ? 'Blocking' : 'Warning'}</strong> <code>{p.line === undefined ? p.file : `${p.file}:${p.line}`}</code> {p.message}. <em>Fix: {p.fix}</em>
            </li>
          ))}
        </ul>
      )}
      {result && result.problems.length > SHOWN && <p class="muted">… and {result.problems.length - SHOWN} more</p>}
    </section>
  );
}
