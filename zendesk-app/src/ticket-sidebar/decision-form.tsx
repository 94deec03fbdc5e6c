import { useState } from 'preact/hooks';
import { NoteField, useNote } from '../note-field';
import type { RequestDetail } from '../schemas';
import type { Service } from '../service';
import type { ActionState } from '../use-action';

/** Approve, or Reject with a reason (the requester reads it, so it is required). */
export function DecisionForm(props: { detail: RequestDetail; service: Service; action: ActionState; onChange(detail: RequestDetail): void }) {
  const { detail, service, action, onChange } = props;
  const [rejecting, setRejecting] = useState(false);
  const reason = useNote();
  const id = detail.request.id;
  const canApprove = detail.request.status === 'pending_approval';

  const reject = async () => {
    if (!reason.demand('A reason is required: the requester will read it.')) return;
    await action.run('reject', async () => onChange(await service.reject(id, reason.text)));
  };

  return (
    <section class="decision" aria-label="Decision">
      {rejecting ? (
        <div>
          <NoteField id="reject-reason" label="Reason for rejecting (sent to the requester)" {...reason.props} />
          <div class="buttons">
            <button type="button" class="button button--danger" disabled={!!action.busy} onClick={() => void reject()}>
              {action.busy === 'reject' ? 'Rejecting…' : 'Reject request'}
            </button>
            <button
              type="button"
              class="button"
              disabled={!!action.busy}
              onClick={() => {
                setRejecting(false);
                reason.clearProblem();
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div class="buttons">
          {canApprove && (
            <button type="button" class="button button--primary" disabled={!!action.busy} onClick={() => void action.run('approve', async () => onChange(await service.approve(id)))}>
              {action.busy === 'approve' ? 'Approving…' : 'Approve'}
            </button>
          )}
          <button
            type="button"
            class="button"
            disabled={!!action.busy}
            onClick={() => {
              setRejecting(true);
              // Focus moves to the reason once it is rendered.
              reason.focusSoon();
            }}
          >
            Reject…
          </button>
        </div>
      )}
    </section>
  );
}
