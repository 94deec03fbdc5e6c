import { termDates } from '../courses/terms';
import { initialCourseFiles } from '../integrations/edx/course-tarball';
import { escapeHtml } from '../story/html';
import type { FlowInput } from './context';

/**
 * The files of a new XML (latex2edx) course at the top of its repo: the same OLX as Studio's
 * initial import (course.xml, course/{run}.xml, policies/{run}/policy.json with the term's
 * start), with an about page written from the request.
 */
export function xmlScaffoldFiles(input: FlowInput, org: string, run: string): { path: string; content: string }[] {
  const dates = termDates(input.term);
  const olx = initialCourseFiles({ org, number: input.courseNumber, run, title: input.title, start: dates?.start, description: input.description });
  const about = aboutPage(input);
  return Object.entries(olx).map(([path, content]) => {
    const relative = path.replace(/^course\//, '');
    return { path: relative, content: relative === 'about/overview.html' ? about : content };
  });
}

function aboutPage(input: FlowInput): string {
  const sections = [`<section class="about">\n  <h2>About This Course</h2>\n  <p>${escapeHtml(input.description ?? input.title)}</p>\n</section>`];
  if (input.weeks) sections.push(`<section class="course-length">\n  <h2>Course Length</h2>\n  <p>${input.weeks} weeks</p>\n</section>`);
  if (input.evaluationCriteria) sections.push(`<section class="evaluation">\n  <h2>Evaluation</h2>\n  <p>${escapeHtml(input.evaluationCriteria)}</p>\n</section>`);
  if (input.instructor) sections.push(`<section class="course-staff">\n  <h2>Course Staff</h2>\n  <article class="teacher"><h3>${escapeHtml(input.instructor)}</h3></article>\n</section>`);
  return `${sections.join('\n')}\n`;
}
