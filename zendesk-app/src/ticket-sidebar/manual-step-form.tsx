import { useRef, useState } from 'preact/hooks';
import { NoteField } from '../note-field';
import type { Step } from '../schemas';
import type { ActionState } from '../use-action';

/**
 * Mark done (note optional, required when destructive) or Skip (note required). `byHand`: a
 * failed automatic step the agent finished by hand; marking it done needs a note saying what was done.
 */
export function ManualStepForm(props: { step: Step; action: ActionState; byHand?: boolean; onComplete(note: string): Promise<void>; onSkip(note: string): Promise<void> }) {
  const { step, action, byHand } = props;
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const destructive = step.instructions?.destructive === true;

  const submit = async (what: 'complete' | 'skip') => {
    const trimmed = note.trim();
    const missing =
      what === 'skip'
        ? 'A note is required to skip: say why the step is not needed.'
        : byHand
          ? 'A note is required: say what was done by hand.'
          : destructive
            ? 'A confirmation note is required: this step is destructive.'
            : undefined;
    if (missing && !trimmed) {
      setProblem(missing);
      noteRef.current?.focus();
      return;
    }
    setProblem(undefined);
    await action.run(`${what}:${step.key}`, () => (what === 'skip' ? props.onSkip(trimmed) : props.onComplete(trimmed)));
  };

  return (
    <div class="step__form">
      <NoteField
        id={`note-${step.key}`}
        label={byHand ? 'What was done by hand (required)' : destructive ? 'Confirmation note (required)' : 'Note (required to skip)'}
        value={note}
        problem={problem}
        inputRef={noteRef}
        onInput={(v) => {
          setNote(v);
          if (problem && v.trim()) setProblem(undefined);
        }}
      />
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
