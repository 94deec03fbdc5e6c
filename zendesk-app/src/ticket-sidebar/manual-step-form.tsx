import { NoteField, useNote } from '../note-field';
import type { Step } from '../schemas';
import type { ActionState } from '../use-action';

/**
 * Mark done (note optional, required when destructive) or Skip (note required). `byHand`: a
 * failed automatic step the agent finished by hand; marking it done needs a note saying what was done.
 */
export function ManualStepForm(props: { step: Step; action: ActionState; byHand?: boolean; onComplete(note: string): Promise<void>; onSkip(note: string): Promise<void> }) {
  const { step, action, byHand } = props;
  const note = useNote();
  const destructive = step.instructions?.destructive === true;

  const submit = async (what: 'complete' | 'skip') => {
    const trimmed = note.text;
    const missing =
      what === 'skip'
        ? 'A note is required to skip: say why the step is not needed.'
        : byHand
          ? 'A note is required: say what was done by hand.'
          : destructive
            ? 'A confirmation note is required: this step is destructive.'
            : undefined;
    if (missing && !note.demand(missing)) return;
    note.clearProblem();
    await action.run(`${what}:${step.key}`, () => (what === 'skip' ? props.onSkip(trimmed) : props.onComplete(trimmed)));
  };

  return (
    <div class="step__form">
      <NoteField id={`note-${step.key}`} label={byHand ? 'What was done by hand (required)' : destructive ? 'Confirmation note (required)' : 'Note (required to skip)'} {...note.props} />
      <div class="buttons">
        <button type="button" class="button button--primary" disabled={!!action.busy} onClick={() => void submit('complete')}>
          {action.busy === `complete:${step.key}` ? 'Saving…' : byHand ? 'Mark done by hand' : 'Mark done'}
        </button>
        <button type="button" class="button" disabled={!!action.busy} onClick={() => void submit('skip')}>
          {action.busy === `skip:${step.key}` ? 'Saving…' : 'Skip'}
        </button>
      </div>
    </div>
  );
}
