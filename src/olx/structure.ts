import { parseXml, type OlxElement } from './xml';
import type { CourseFiles, ProblemList } from './problem';

/**
 * The course tree: course.xml -> course/{run}.xml -> chapters -> sequentials -> verticals ->
 * components, each inline or a pointer to `{category}/{url_name}.xml`. OLX rules relied on:
 * - a pointer tag has no children, no text and exactly the attribute url_name (course.xml's
 *   also org and course): edx-platform xmodule/xml_block.py is_pointer_tag;
 * - a pointer's file is `{category}/{url_name}.xml`, with ':' in url_name standing for '/':
 *   edx-platform xmodule/xml_block.py name_to_pathname and load_definition_xml;
 * - an html block with `filename` keeps its body in `html/{filename}.html`: edx-platform
 *   xmodule/html_block.py HtmlBlockMixin.load_definition;
 * - `policies/{run}/policy.json` entries keyed `{category}/{url_name}` override a block's
 *   attributes: edx-platform xmodule/modulestore/xml.py load_course / policy handling.
 */

/** Blocks whose children are blocks (everything else holds content: capa, HTML, video sources). */
const CONTAINERS = new Set(['course', 'chapter', 'sequential', 'vertical', 'split_test', 'conditional', 'library_content', 'wrapper', 'videosequence']);

export interface Block {
  category: string;
  urlName?: string;
  file: string;
  line: number;
  /** The element's attributes with the policy's entry for the block applied over them. */
  settings: Record<string, unknown>;
  parent?: Block;
  element: OlxElement;
}

export interface CourseTree {
  run: string;
  course: Block;
  blocks: Block[];
  /** Files the course reaches (XML and HTML), whose /static/ references must resolve. */
  reached: Set<string>;
}

export type Policy = Record<string, Record<string, unknown>>;

const pathOf = (category: string, urlName: string) => `${category}/${urlName.replace(/:/g, '/')}.xml`;

function isPointer(el: OlxElement): boolean {
  const names = Object.keys(el.attrs).sort().join(',');
  const expected = el.tag === 'course' ? 'course,org,url_name' : 'url_name';
  return el.children.length === 0 && el.text === '' && names === expected;
}

/** A definition's identity for the duplicate check: the file it lives in, or its inline content. */
function signature(el: OlxElement, file: string | undefined): string {
  if (file) return `file:${file}`;
  const strip = (e: OlxElement): unknown => [e.tag, e.attrs, e.text, e.children.map(strip)];
  return JSON.stringify(strip(el));
}

/** Reads and parses an XML file, reporting why it cannot be used. */
export function readXml(files: CourseFiles, file: string, out: ProblemList): OlxElement | undefined {
  const text = files.read(file);
  if (text === undefined) return undefined;
  const parsed = parseXml(text);
  if (!parsed.ok) {
    out.blocking(file, parsed.line, `is not well-formed XML: ${parsed.message}`, 'fix the XML at that line (an unclosed or mismatched tag, an unescaped & or <) and push again');
    return undefined;
  }
  return parsed.root;
}

/**
 * Walks the course from course.xml, resolving every pointer. Undefined when course.xml itself
 * cannot be read (the problems say why): nothing else can be checked without the run.
 */
export function walkCourse(files: CourseFiles, policyOf: (run: string) => Policy, out: ProblemList): CourseTree | undefined {
  if (!files.has('course.xml')) {
    out.blocking('course.xml', undefined, 'is missing', 'export the course to git from Studio, or add course.xml at the top of the repository');
    return undefined;
  }
  const top = readXml(files, 'course.xml', out);
  if (!top) return undefined;
  const run = top.attrs.url_name;
  if (top.tag !== 'course' || !run || !top.attrs.org || !top.attrs.course) {
    out.blocking('course.xml', top.line, 'must be <course url_name="RUN" org="ORG" course="NUMBER"/>', 'name the run, organization and course number in course.xml');
    return undefined;
  }
  const policy = policyOf(run);
  const blocks: Block[] = [];
  const reached = new Set(['course.xml']);
  const seen = new Map<string, { sig: string; file: string; line: number }>();
  const loading = new Set<string>();

  const visit = (el: OlxElement, file: string, parent: Block | undefined): Block | undefined => {
    let element = el;
    let where = file;
    let pointerFile: string | undefined;
    const urlName = el.attrs.url_name;
    if (urlName && isPointer(el)) {
      pointerFile = pathOf(el.tag, urlName);
      if (loading.has(pointerFile)) {
        out.blocking(file, el.line, `<${el.tag} url_name="${urlName}"> points back to a file that contains it`, `rename one of the url_names or remove the pointer`);
        return undefined;
      }
      if (!files.has(pointerFile)) {
        out.blocking(file, el.line, `<${el.tag} url_name="${urlName}"> points to ${pointerFile}, which does not exist`, `add ${pointerFile}, or correct the url_name`);
        return undefined;
      }
      reached.add(pointerFile);
      const loaded = readXml(files, pointerFile, out);
      if (!loaded) return undefined;
      if (loaded.tag !== el.tag) {
        out.warning(pointerFile, loaded.line, `holds a <${loaded.tag}>, but the pointer in ${file} expects a <${el.tag}>`, `make the root element <${el.tag}>, or point to it with <${loaded.tag} url_name="${urlName}"/>`);
      }
      element = loaded;
      where = pointerFile;
    }
    if (urlName) {
      const key = `${el.tag}/${urlName}`;
      const sig = signature(element, pointerFile);
      const first = seen.get(key);
      if (first && first.sig !== sig) {
        out.blocking(file, el.line, `url_name "${urlName}" is used by two different <${el.tag}> blocks (the other in ${first.file}, line ${first.line})`, 'give each block its own url_name: edX keeps only one of them, so students would see the wrong content');
      } else if (first) {
        return undefined; // the same definition referenced again: already walked
      } else {
        seen.set(key, { sig, file, line: el.line });
      }
    }
    const block: Block = {
      category: el.tag,
      urlName,
      file: where,
      line: element.line,
      settings: { ...element.attrs, ...(urlName ? policy[`${el.tag}/${urlName}`] : undefined) },
      parent,
      element,
    };
    blocks.push(block);
    if (el.tag === 'html' && element.attrs.filename) {
      const body = `html/${element.attrs.filename.replace(/:/g, '/')}.html`;
      if (files.has(body)) reached.add(body);
      else out.blocking(where, element.line, `<html filename="${element.attrs.filename}"> points to ${body}, which does not exist`, `add ${body}, or correct the filename`);
    }
    if (CONTAINERS.has(el.tag)) {
      if (pointerFile) loading.add(pointerFile);
      for (const child of element.children) visit(child, where, block);
      if (pointerFile) loading.delete(pointerFile);
    }
    return block;
  };

  const course = visit(top, 'course.xml', undefined);
  return course && { run, course, blocks, reached };
}
