import type { OlxElement } from './xml';
import type { ProblemList } from './problem';
import type { Block } from './structure';

/**
 * Capa problem heuristics (warnings: an author may mean it). The response types are the tags
 * registered in edx-platform xmodule/capa/responsetypes.py; the answer each needs: choices
 * marked correct="true" (ChoiceResponse, MultipleChoiceResponse, TrueFalseResponse), an
 * `answer` attribute (StringResponse, NumericalResponse, FormulaResponse), `correct` on each
 * optioninput (OptionResponse), a check function or an <answer> script (CustomResponse).
 */
const RESPONSE_TYPES = new Set([
  'annotationresponse', 'choiceresponse', 'choicetextresponse', 'coderesponse', 'customresponse', 'externalresponse',
  'formularesponse', 'imageresponse', 'javascriptresponse', 'jsmeresponse', 'multiplechoiceresponse', 'numericalresponse',
  'optionresponse', 'schematicresponse', 'stringresponse', 'symbolicresponse', 'truefalseresponse',
]);

function* descendants(el: OlxElement): Generator<OlxElement> {
  for (const child of el.children) {
    yield child;
    yield* descendants(child);
  }
}

const any = (el: OlxElement, test: (e: OlxElement) => boolean) => {
  for (const d of descendants(el)) if (test(d)) return true;
  return false;
};

/** What is missing for a response to have a correct answer, or undefined when nothing is. */
function missingAnswer(r: OlxElement): string | undefined {
  switch (r.tag) {
    case 'multiplechoiceresponse':
    case 'choiceresponse':
    case 'truefalseresponse':
      return any(r, (e) => e.tag === 'choice' && e.attrs.correct?.toLowerCase() === 'true') ? undefined : 'no <choice correct="true">';
    case 'stringresponse':
    case 'numericalresponse':
    case 'formularesponse':
      return r.attrs.answer?.trim() ? undefined : 'no answer="..." attribute';
    case 'optionresponse': {
      const inputs = [...descendants(r)].filter((e) => e.tag === 'optioninput');
      const ok = inputs.length > 0 && inputs.every((i) => i.attrs.correct?.trim() || i.children.some((o) => o.tag === 'option' && o.attrs.correct?.toLowerCase() === 'true'));
      return ok ? undefined : 'an <optioninput> without a correct option';
    }
    case 'customresponse':
      return r.attrs.cfn || r.attrs.expect || r.attrs.answer || any(r, (e) => e.tag === 'answer') ? undefined : 'no cfn="..." check function and no <answer> script';
    default:
      return undefined;
  }
}

export function checkCapa(blocks: Block[], out: ProblemList): void {
  for (const b of blocks) {
    if (b.category !== 'problem') continue;
    const responses = [...descendants(b.element)].filter((e) => RESPONSE_TYPES.has(e.tag));
    const name = b.urlName ?? String(b.settings.display_name ?? '?');
    if (responses.length === 0) {
      out.warning(b.file, b.line, `problem "${name}" has no response type, so students have nothing to answer`, 'add a response (e.g. <multiplechoiceresponse>, <numericalresponse>, <stringresponse>) or make it an html component');
      continue;
    }
    for (const r of responses) {
      const missing = missingAnswer(r);
      if (missing) out.warning(b.file, r.line, `problem "${name}": <${r.tag}> has ${missing}, so no answer can be graded correct`, 'mark the correct answer');
    }
  }
}
