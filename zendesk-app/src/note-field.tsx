import type { Ref } from 'preact';

/** A labelled textarea whose problem is announced and tied to it (aria-describedby). */
export function NoteField(props: { id: string; label: string; value: string; problem: string | undefined; onInput(value: string): void; inputRef?: Ref<HTMLTextAreaElement> }) {
  const problemId = `${props.id}-problem`;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        ref={props.inputRef}
        rows={2}
        value={props.value}
        aria-invalid={props.problem ? 'true' : undefined}
        aria-describedby={props.problem ? problemId : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {props.problem && (
        <p id={problemId} class="field__problem" role="alert">
          {props.problem}
        </p>
      )}
    </div>
  );
}
