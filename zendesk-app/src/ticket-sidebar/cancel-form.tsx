import { useState } from 'preact/hooks';
import type { RequestDetail } from '../schemas';
import type { Service } from '../service';
import type { ActionState } from '../use-action';
import { ReasonForm } from './reason-form';

/**
 * Cancel a request that has not finished, with a reason (the requester reads it). The service
 * tells the ticket what was already done and how to undo it; nothing is undone automatically.
 */
export function CancelForm(props: { detail: RequestDetail; service: Service; action: ActionState; onChange(detail: RequestDetail): void }) {
  const { detail, service, action, onChange } = props;
  const [open, setOpen] = useState(false);
  return (
    <section class="decision" aria-label="Cancel">
      {open ? (
        <ReasonForm
          id="cancel-reason"
          label="Reason for cancelling (sent to the requester)"
          confirm="Cancel request"
          busyLabel="Cancelling…"
          back="Keep request"
          action={action}
          actionName="cancel"
          onConfirm={async (reason) => onChange(await service.cancel(detail.request.id, reason))}
          onBack={() => setOpen(false)}
        />
      ) : (
        <div class="buttons">
          <button type="button" class="button" disabled={!!action.busy} onClick={() => setOpen(true)}>
            Cancel request…
          </button>
        </div>
      )}
    </section>
  );
}
