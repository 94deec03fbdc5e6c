import type { Ref } from 'preact';
import { useRef, useState } from 'preact/hooks';

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

/**
 * A note's state for NoteField: `props` wires the field, `demand(problem)` shows the problem and
 * focuses the field when it is empty (false), and a problem clears once something is typed.
 */
export function useNote() {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  return {
    text: value.trim(),
    props: {
      value,
      problem,
      inputRef,
      onInput: (v: string) => {
        setValue(v);
        if (problem && v.trim()) setProblem(undefined);
      },
    },
    demand(message: string): boolean {
      if (value.trim()) return true;
      setProblem(message);
      inputRef.current?.focus();
      return false;
    },
    /** Focuses the field once it is rendered. */
    focusSoon: () => queueMicrotask(() => inputRef.current?.focus()),
    clearProblem: () => setProblem(undefined),
    reset() {
      setValue('');
      setProblem(undefined);
    },
  };
}
