import { useState } from 'preact/hooks';
import type { RequestDetail } from '../schemas';
import type { Service } from '../service';
import type { ActionState } from '../use-action';
import { ReasonForm } from './reason-form';

/** Approve, or Reject with a reason (the requester reads it, so it is required). */
export function DecisionForm(props: { detail: RequestDetail; service: Service; action: ActionState; onChange(detail: RequestDetail): void }) {
  const { detail, service, action, onChange } = props;
  const [rejecting, setRejecting] = useState(false);
  const id = detail.request.id;
  const canApprove = detail.request.status === 'pending_approval';

  return (
    <section class="decision" aria-label="Decision">
      {rejecting ? (
        <ReasonForm
          id="reject-reason"
          label="Reason for rejecting (sent to the requester)"
          confirm="Reject request"
          busyLabel="Rejecting…"
          back="Cancel"
          action={action}
          actionName="reject"
          onConfirm={async (reason) => onChange(await service.reject(id, reason))}
          onBack={() => setRejecting(false)}
        />
      ) : (
        <div class="buttons">
          {canApprove && (
            <button type="button" class="button button--primary" disabled={!!action.busy} onClick={() => void action.run('approve', async () => onChange(await service.approve(id)))}>
              {action.busy === 'approve' ? 'Approving…' : 'Approve'}
            </button>
          )}
          <button type="button" class="button" disabled={!!action.busy} onClick={() => setRejecting(true)}>
            Reject…
          </button>
        </div>
      )}
    </section>
  );
}
