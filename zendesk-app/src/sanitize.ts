/**
 * The server escapes every value it puts into instruction HTML; this is a second line of
 * defence that keeps only the few elements instructions use, and only http(s)/mailto links.
 */

const ALLOWED = new Set(['A', 'B', 'BR', 'CODE', 'EM', 'H3', 'H4', 'I', 'KBD', 'LI', 'OL', 'P', 'PRE', 'STRONG', 'UL']);
/** Elements dropped with everything inside them (their text is not instructions). */
const DROPPED = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'NOSCRIPT', 'TITLE']);
const MAX_HTML = 50_000;
const SAFE_HREF = /^(https?:|mailto:)/i;

function copyChildren(from: Node, to: Node, doc: Document): void {
  for (const child of Array.from(from.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      to.appendChild(doc.createTextNode(child.textContent ?? ''));
    } else if (child instanceof Element) {
      if (DROPPED.has(child.tagName)) continue;
      if (!ALLOWED.has(child.tagName)) {
        copyChildren(child, to, doc);
        continue;
      }
      const clean = doc.createElement(child.tagName.toLowerCase());
      if (child.tagName === 'A') {
        const href = child.getAttribute('href')?.trim() ?? '';
        if (SAFE_HREF.test(href)) {
          clean.setAttribute('href', href);
          clean.setAttribute('target', '_blank');
          clean.setAttribute('rel', 'noopener noreferrer');
        }
      }
      copyChildren(child, clean, doc);
      to.appendChild(clean);
    }
  }
}

/** Returns HTML safe to inject, or undefined when the input is too large to trust (show the text instead). */
export function sanitizeInstructions(html: string): string | undefined {
  if (html.length > MAX_HTML) return undefined;
  const source = new DOMParser().parseFromString(html, 'text/html');
  const out = document.implementation.createHTMLDocument('');
  const root = out.createElement('div');
  copyChildren(source.body, root, out);
  return root.innerHTML;
}
