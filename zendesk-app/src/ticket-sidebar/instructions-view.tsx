import { useMemo } from 'preact/hooks';
import { sanitizeInstructions } from '../sanitize';
import type { Instructions } from '../schemas';

/** A manual step's instructions: the server's HTML, re-sanitized; the plain text if it is too large. */
export function InstructionsView({ instructions }: { instructions: Instructions }) {
  const html = useMemo(() => sanitizeInstructions(instructions.html), [instructions.html]);
  return (
    <div class="instructions">
      {instructions.destructive && <p class="instructions__warning">Destructive: this cannot be undone. Marking it done needs a confirmation note.</p>}
      {html === undefined ? <pre class="instructions__text">{instructions.text}</pre> : <div class="instructions__html" dangerouslySetInnerHTML={{ __html: html }} />}
    </div>
  );
}
