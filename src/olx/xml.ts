import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An XML element with the line it starts on (1-based). */
export interface OlxElement {
  tag: string;
  attrs: Record<string, string>;
  children: OlxElement[];
  /** The element's own text (not its children's), trimmed and joined. */
  text: string;
  line: number;
}

export type ParsedXml = { ok: true; root: OlxElement } | { ok: false; line: number; message: string };

// Typed as the `Symbol` wrapper object by the library; it is a symbol value.
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;
const ATTRS = ':@';

// Built per call: a parser holds state between parses, and nothing here runs at import time.
const newParser = () =>
  new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    captureMetaData: true,
    // Course XML nests deeper than the parser's default of 100 only when something is wrong.
    maxNestedTags: 200,
  });

/** Line of each character offset: binary search over the offsets where lines start. */
export function lineFinder(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

type RawNode = Record<string | symbol, unknown>;

function toElement(node: RawNode, lineAt: (offset: number) => number): OlxElement | undefined {
  const tag = Object.keys(node).find((k) => k !== ATTRS && k !== '#text');
  if (!tag) return undefined;
  const rawAttrs = (node[ATTRS] ?? {}) as Record<string, unknown>;
  const attrs = Object.fromEntries(Object.entries(rawAttrs).map(([k, v]) => [k, String(v)]));
  const kids = (node[tag] ?? []) as RawNode[];
  const children: OlxElement[] = [];
  const text: string[] = [];
  for (const kid of kids) {
    if ('#text' in kid) text.push(String(kid['#text']));
    else {
      const child = toElement(kid, lineAt);
      if (child) children.push(child);
    }
  }
  const meta = node[META] as { startIndex?: number } | undefined;
  return { tag, attrs, children, text: text.join(' ').trim(), line: lineAt(meta?.startIndex ?? 0) };
}

/**
 * Well-formedness first (XMLValidator names the line of the first error), then the element tree
 * with each element's line, so every later finding can point at its line too.
 */
export function parseXml(text: string): ParsedXml {
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, line: valid.err.line, message: valid.err.msg };
  let nodes: RawNode[];
  try {
    nodes = newParser().parse(text) as RawNode[];
  } catch (err) {
    return { ok: false, line: 1, message: err instanceof Error ? err.message : String(err) };
  }
  const lineAt = lineFinder(text);
  const roots = nodes.map((n) => toElement(n, lineAt)).filter((e): e is OlxElement => e !== undefined);
  if (roots.length !== 1) return { ok: false, line: 1, message: roots.length === 0 ? 'no root element' : 'more than one root element' };
  return { ok: true, root: roots[0]! };
}
