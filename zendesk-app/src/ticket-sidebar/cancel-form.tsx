import { useRef, useState } from 'preact/hooks';
import { NoteField } from '../note-field';
import type { RequestDetail } from '../schemas';
import type { Service } from '../service';
import type { ActionState } from '../use-action';

/**
 * Cancel a request that has not finished, with a reason (the requester reads it). The service
 * tells the ticket what was already done and how to undo it; nothing is undone automatically.
 */
export function CancelForm(props: { detail: RequestDetail; service: Service; action: ActionState; onChange(detail: RequestDetail): void }) {
  const { detail, service, action, onChange } = props;
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  const cancel = async () => {
    if (!reason.trim()) {
      setProblem('A reason is required: the requester will read it.');
      reasonRef.current?.focus();
      return;
    }
    await action.run('cancel', async () => onChange(await service.cancel(detail.request.id, reason.trim())));
  };

  if (!open) {
    return (
      <section class="decision" aria-label="Cancel">
        <div class="buttons">
          <button
            type="button"
            class="button"
            disabled={!!action.busy}
            onClick={() => {
              setOpen(true);
              queueMicrotask(() => reasonRef.current?.focus());
            }}
          >
            Cancel request…
          </button>
        </div>
      </section>
    );
  }
  return (
    <section class="decision" aria-label="Cancel">
      <NoteField
        id="cancel-reason"
        label="Reason for cancelling (sent to the requester)"
        value={reason}
        problem={problem}
        inputRef={reasonRef}
        onInput={(v) => {
          setReason(v);
          if (problem && v.trim()) setProblem(undefined);
        }}
      />
      <div class="buttons">
        <button type="button" class="button button--danger" disabled={!!action.busy} onClick={() => void cancel()}>
          {action.busy === 'cancel' ? 'Cancelling…' : 'Cancel request'}
        </button>
        <button
          type="button"
          class="button"
          disabled={!!action.busy}
          onClick={() => {
            setOpen(false);
            setProblem(undefined);
          }}
        >
          Keep request
        </button>
      </div>
    </section>
  );
}
