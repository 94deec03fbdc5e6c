import { useEffect, useRef, useState } from 'preact/hooks';
import { fieldLabel } from '../../../src/courses/request-fields';
import { plural } from '../format';
import type { Problem } from '../schemas';
import type { Service } from '../service';
import type { ZafClient } from '../zaf';
import { changeEvent, courseFormFields, readDraft, type FormField } from './form-fields';

/** Waits for typing to pause before asking the service. */
const DEBOUNCE_MS = 350;

type Check = { state: 'idle' } | { state: 'checking' } | { state: 'valid' } | { state: 'invalid'; problems: Problem[] } | { state: 'unavailable'; message: string };

/** A problem's field as the form titles it (a field this form lacks, e.g. the course repository, by the catalogue's name). */
const labelOf = (fields: FormField[], property: string) => fields.find((f) => f.property === property)?.label ?? fieldLabel(property);

/** The refusal Zendesk shows the agent: the blocking problems, each naming its field by the form's title. */
export function saveBlockMessage(fields: FormField[], problems: Problem[]): string {
  return `Fix the course request before saving:\n${problems.filter((p) => !p.warning).map((p) => `• ${labelOf(fields, p.field)}: ${p.message}`).join('\n')}`;
}

/**
 * Checks the course-request form as it is filled in (the service's own rules, via
 * /api/validate) and blocks ticket.save while it is invalid. A form with no course field filled
 * in is not a course request and is left alone. When the service cannot be reached the save
 * goes ahead: intake validates again and replies on the ticket, and a help desk must never be
 * blocked by this service being down.
 */
export function NewTicketSidebar({ client, service }: { client: ZafClient; service: Service }) {
  const [fields, setFields] = useState<FormField[] | undefined>(undefined);
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const latest = useRef(0);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let found: FormField[] = [];

    // Each run gets a number; only the newest run's outcome is shown.
    const validate = async (): Promise<Check> => {
      const run = ++latest.current;
      const draft = await readDraft(client, found);
      let outcome: Check;
      if (Object.keys(draft).length === 0) outcome = { state: 'idle' };
      else {
        try {
          const result = await service.validate(draft);
          outcome = result.valid ? { state: 'valid' } : { state: 'invalid', problems: result.problems };
        } catch (err) {
          outcome = { state: 'unavailable', message: err instanceof Error ? err.message : String(err) };
        }
      }
      if (run === latest.current) setCheck(outcome);
      return outcome;
    };
    const schedule = () => {
      clearTimeout(timer);
      setCheck((c) => (c.state === 'idle' ? c : { state: 'checking' }));
      timer = setTimeout(() => void validate(), DEBOUNCE_MS);
    };

    void courseFormFields(client).then((list) => {
      found = list;
      setFields(list);
      for (const field of list) client.on(changeEvent(field), schedule);
      void validate();
    });
    // The SDK cancels the save when the handler's promise rejects; the reason is shown to the
    // agent (ticket.save hook: developer.zendesk.com/api-reference/apps/apps-support-api/ticket_sidebar/;
    // SDK 2.0.11 lib/utils.js shouldReject). ZAF offers no way to mark a form field invalid
    // (ticketFields:<name> only hides, shows, enables or disables it), so the message names the
    // fields by the form's titles; docs/real-systems.md, "Zendesk apps (ZAF)".
    client.on('ticket.save', () => {
      clearTimeout(timer);
      return validate().then((outcome) => (outcome.state === 'invalid' ? Promise.reject(saveBlockMessage(found, outcome.problems)) : true));
    });
    return () => clearTimeout(timer);
  }, [client, service]);

  if (!fields) return <p class="muted" aria-busy="true">Reading the form…</p>;
  if (fields.length === 0) return <p class="muted">This form has no course-request fields.</p>;
  return (
    <section class="validation" aria-live="polite" data-check={check.state}>
      <h1 class="section-title">Course request check</h1>
      {check.state === 'idle' && <p class="muted">Fill in the course-request fields; they are checked as you type.</p>}
      {check.state === 'checking' && <p class="muted">Checking…</p>}
      {check.state === 'valid' && <p class="alert alert--ok">The course request is complete and valid.</p>}
      {check.state === 'unavailable' && <p class="alert alert--warn">Could not check the form ({check.message}). Saving is allowed; intake checks it again.</p>}
      {check.state === 'invalid' && (
        <div class="problems">
          <p>
            <strong>
              {plural(check.problems.filter((p) => !p.warning).length, 'problem')} to fix before saving
              {check.problems.some((p) => p.warning) && `, and ${plural(check.problems.filter((p) => p.warning).length, 'warning')}`}:
            </strong>
          </p>
          <ul>
            {check.problems.map((p) => (
              <li key={`${p.field}:${p.message}`}>
                <strong>{labelOf(fields, p.field)}</strong> {p.message}
                {p.warning && <em> (a warning: it does not block)</em>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
