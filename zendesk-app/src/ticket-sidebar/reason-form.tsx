import { useEffect } from 'preact/hooks';
import { NoteField, useNote } from '../note-field';
import type { ActionState } from '../use-action';

/**
 * A reason (required), a button that acts on it, and a way back: the Reject and Cancel forms
 * (the requester reads the reason) and dismissing failed notes (the history keeps it). Focus moves to the reason when the form opens.
 */
export function ReasonForm(props: { id: string; label: string; confirm: string; busyLabel: string; action: ActionState; actionName: string; onConfirm(reason: string): Promise<void>; onBack(): void; back: string; required?: string }) {
  const { action } = props;
  const reason = useNote();
  useEffect(() => reason.focusSoon(), []);

  const confirm = async () => {
    if (!reason.demand(props.required ?? 'A reason is required: the requester will read it.')) return;
    await action.run(props.actionName, () => props.onConfirm(reason.text));
  };

  return (
    <div>
      <NoteField id={props.id} label={props.label} {...reason.props} />
      <div class="buttons">
        <button type="button" class="button button--danger" disabled={!!action.busy} onClick={() => void confirm()}>
          {action.busy === props.actionName ? props.busyLabel : props.confirm}
        </button>
        <button type="button" class="button" disabled={!!action.busy} onClick={props.onBack}>
          {props.back}
        </button>
      </div>
    </div>
  );
}
