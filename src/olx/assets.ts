import { lineFinder } from './xml';
import type { CourseFiles, ProblemList } from './problem';
import type { CourseTree } from './structure';

/**
 * What students see around the courseware: the about page and course image (blocking, as the
 * publish flow's "course image, about page" check), and every /static/ file the content links.
 * `/static/x` resolves to the course's static/x (edx-platform common/djangoapps/static_replace
 * replace_static_urls); the default image is images_course_image.jpg (xmodule/course_block.py
 * course_image field).
 */

const STATIC_REF = /\/static\/([^"'\s<>()?#\\]+)/g;

export function checkAboutAndImage(files: CourseFiles, tree: CourseTree | undefined, out: ProblemList): void {
  if (!files.has('about/overview.html')) out.blocking('about/overview.html', undefined, 'the about page is missing', 'write about/overview.html: the course description students see before enrolling');
  if (!tree) return;
  const named = tree.course.settings.course_image;
  const image = typeof named === 'string' && named.trim() ? named.trim().replace(/^\/?static\//, '') : 'images_course_image.jpg';
  if (!files.has(`static/${image}`)) {
    out.blocking(`static/${image}`, undefined, 'the course image is missing', `add static/${image} (shown on the course card; at least 378x225 pixels), or name another image in course_image`);
  }
}

export function checkStaticReferences(files: CourseFiles, reached: Iterable<string>, out: ProblemList): void {
  for (const file of reached) {
    const text = files.read(file);
    if (text === undefined || !text.includes('/static/')) continue;
    const lineAt = lineFinder(text);
    const reported = new Set<string>();
    for (const m of text.matchAll(STATIC_REF)) {
      let path = m[1]!;
      try {
        path = decodeURIComponent(path);
      } catch {
        // A malformed escape is looked up as written.
      }
      if (files.has(`static/${path}`) || reported.has(path)) continue;
      reported.add(path);
      out.warning(file, lineAt(m.index), `links /static/${path}, but static/${path} does not exist`, `add static/${path} to the repository, or correct the link`);
    }
  }
}
