import { NoteField, useNote } from '../note-field';
import type { Step } from '../schemas';
import type { ActionState } from '../use-action';

/** Mark done (note optional, required when destructive) or Skip (note required). */
export function ManualStepForm(props: { step: Step; action: ActionState; onComplete(note: string): Promise<void>; onSkip(note: string): Promise<void> }) {
  const { step, action } = props;
  const note = useNote();
  const destructive = step.instructions?.destructive === true;

  const submit = async (what: 'complete' | 'skip') => {
    const trimmed = note.text;
    const missing = what === 'skip' ? 'A note is required to skip: say why the step is not needed.' : destructive ? 'A confirmation note is required: this step is destructive.' : undefined;
    if (missing && !note.demand(missing)) return;
    note.clearProblem();
    await action.run(`${what}:${step.key}`, () => (what === 'skip' ? props.onSkip(trimmed) : props.onComplete(trimmed)));
  };

  return (
    <div class="step__form">
      <NoteField id={`note-${step.key}`} label={destructive ? 'Confirmation note (required)' : 'Note (required to skip)'} {...note.props} />
      <div class="buttons">
        <button type="button" class="button button--primary" disabled={!!action.busy} onClick={() => void submit('complete')}>
          {action.busy === `complete:${step.key}` ? 'Saving…' : 'Mark done'}
        </button>
        <button type="button" class="button" disabled={!!action.busy} onClick={() => void submit('skip')}>
          {action.busy === `skip:${step.key}` ? 'Saving…' : 'Skip'}
        </button>
      </div>
    </div>
  );
}
