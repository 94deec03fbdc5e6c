import { escapeHtml } from '../story/html';
import type { Instructions } from '../engine/types';

/**
 * One renderer for every manual step: a template describes its steps as data and this turns
 * them into plain text (sidebar) and HTML (Zendesk internal note). Every value is escaped in
 * the HTML and links are only made for http(s) URLs, so ticket fields (user input) cannot
 * inject markup or `javascript:` links.
 */

export type Inline = string | { link: string; label: string } | { code: string } | { strong: string };
export type Line = Inline[];

/** A link; rendered as plain text when the URL is not http(s) (e.g. a setting that is not configured). */
export const link = (url: string, label = url): Inline => ({ link: url, label });
export const code = (text: string): Inline => ({ code: text });
export const strong = (text: string): Inline => ({ strong: text });

/** `line\`Open ${link(url)} and click ${strong('Save')}\``: literal text plus inline values (or whole lines). */
export function line(strings: TemplateStringsArray, ...values: (Inline | Line)[]): Line {
  return strings.flatMap((s, i) => (i < values.length ? [s, values[i]!] : [s])).flat().filter((p) => p !== '');
}

export interface InstructionStep {
  text: Line;
  /** A shell command, shown as a code block under the step. */
  command?: string;
}

export interface InstructionDoc {
  title: string;
  /** Shown in bold before the steps; destructive steps say what cannot be undone. */
  warning?: Line;
  intro?: Line;
  steps: InstructionStep[];
  /** What to check afterwards. */
  checks: Line[];
  /** Marking the step done then needs a confirmation note. */
  destructive?: boolean;
}

/** Single-quotes a value for a POSIX shell command. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The one escaper for HTML bound for Zendesk, re-exported for the templates' users. */
export { escapeHtml };

const isWebUrl = (url: string) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol);

function inlineText(part: Inline): string {
  if (typeof part === 'string') return part;
  if ('link' in part) return part.label === part.link || !isWebUrl(part.link) ? part.link : `${part.label} (${part.link})`;
  if ('code' in part) return part.code;
  return part.strong;
}

function inlineHtml(part: Inline): string {
  if (typeof part === 'string') return escapeHtml(part);
  if ('link' in part) {
    return isWebUrl(part.link) ? `<a href="${escapeHtml(part.link)}">${escapeHtml(part.label)}</a>` : escapeHtml(part.link);
  }
  if ('code' in part) return `<code>${escapeHtml(part.code)}</code>`;
  return `<strong>${escapeHtml(part.strong)}</strong>`;
}

const text = (l: Line) => l.map(inlineText).join('');
const html = (l: Line) => l.map(inlineHtml).join('');

function markDone(destructive: boolean): Line {
  return destructive
    ? line`When it is done, open the Orcoursetrion app in this ticket's sidebar, click ${strong('Mark done')} on this step and write a confirmation note saying what you deleted and where (the step cannot be completed without it). If the course must not be deleted, use ${strong('Skip')} with a note instead.`
    : line`When it is done, open the Orcoursetrion app in this ticket's sidebar and click ${strong('Mark done')} on this step. If it cannot be done, use ${strong('Skip')} with a note saying why.`;
}

export function renderInstructions(doc: InstructionDoc): Instructions {
  const destructive = doc.destructive ?? false;
  const done = markDone(destructive);

  const textParts = [doc.title];
  if (doc.warning) textParts.push(`WARNING: ${text(doc.warning)}`);
  if (doc.intro) textParts.push(text(doc.intro));
  // A command is indented under its step, with blank lines around it.
  textParts.push(
    doc.steps
      .map((s, i) => `${i + 1}. ${text(s.text)}${s.command ? `\n\n       ${s.command}\n` : ''}`)
      .join('\n')
      .trimEnd(),
  );
  if (doc.checks.length) textParts.push(`Check afterwards:\n${doc.checks.map((c) => `- ${text(c)}`).join('\n')}`);
  textParts.push(text(done));

  const htmlParts = [`<p><strong>${escapeHtml(doc.title)}</strong></p>`];
  if (doc.warning) htmlParts.push(`<p><strong>Warning: ${html(doc.warning)}</strong></p>`);
  if (doc.intro) htmlParts.push(`<p>${html(doc.intro)}</p>`);
  htmlParts.push(
    `<ol>${doc.steps.map((s) => `<li>${html(s.text)}${s.command ? `<pre><code>${escapeHtml(s.command)}</code></pre>` : ''}</li>`).join('')}</ol>`,
  );
  if (doc.checks.length) htmlParts.push(`<p>Check afterwards:</p><ul>${doc.checks.map((c) => `<li>${html(c)}</li>`).join('')}</ul>`);
  htmlParts.push(`<p>${html(done)}</p>`);

  return { text: textParts.join('\n\n'), html: htmlParts.join('\n'), ...(destructive && { destructive: true }) };
}
