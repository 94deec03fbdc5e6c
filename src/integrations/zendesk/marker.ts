/**
 * Every comment the service writes carries a marker naming the request and step that wrote
 * it, so a retried or resumed step finds its comment already on the ticket and does not post
 * it again.
 *
 * How it is hidden: the token sits as text inside `<p style="display:none">` at the end of
 * the html_body. Unverified: whether Zendesk's HTML sanitiser keeps the inline style (if it
 * drops it, the token shows as one short line of text, harmless) and whether email
 * clients honour it on public comments. We rely only on the token *text* surviving, which any
 * sanitiser that keeps paragraph text does; an HTML comment or a data attribute could be
 * stripped whole, silently turning dedupe off. On read we search html_body, body and
 * plain_body, since Zendesk derives the latter two from the HTML.
 */

const PART = /^[A-Za-z0-9_.:-]{1,120}$/;

/** The marker of one step's comment on one request, e.g. `[orc-marker 42/notify-requester]`. */
export function commentMarker(requestId: string | number, stepKey: string): string {
  const id = String(requestId);
  if (!PART.test(id) || !PART.test(stepKey)) {
    throw new Error(`comment marker parts must match ${PART} (got request ${JSON.stringify(id)}, step ${JSON.stringify(stepKey)})`);
  }
  // The closing bracket keeps `step` from matching inside `step2`.
  return `[orc-marker ${id}/${stepKey}]`;
}

export const isMarker = (text: string): boolean => /^\[orc-marker [A-Za-z0-9_.:-]+\/[A-Za-z0-9_.:-]+\]$/.test(text);

export function withMarker(html: string, marker: string): string {
  return `${html}\n<p style="display:none">${marker}</p>`;
}

export function carriesMarker(comment: { body: string; htmlBody: string; plainBody?: string }, marker: string): boolean {
  return [comment.htmlBody, comment.body, comment.plainBody].some((text) => text?.includes(marker));
}
