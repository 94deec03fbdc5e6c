import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { courseKey } from '../../courses/naming';
import type { CourseArchive } from './course-import';

export interface InitialCourse {
  org: string;
  number: string;
  run: string;
  title: string;
  /** ISO datetime of the course start, when known. */
  start?: string;
  /** Plain text for the about page. */
  description?: string;
}

const xmlEscape = (value: string) =>
  value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);

/** The files of an empty OLX course, under the single top folder Studio's import expects. */
export function initialCourseFiles(course: InitialCourse): Record<string, string> {
  courseKey(course.org, course.number, course.run); // validates the parts used in paths below
  const { org, number, run, title } = course;
  const policy = { [`course/${run}`]: { display_name: title, ...(course.start && { start: course.start }) } };
  return {
    'course/course.xml': `<course url_name="${xmlEscape(run)}" org="${xmlEscape(org)}" course="${xmlEscape(number)}"/>\n`,
    [`course/course/${run}.xml`]: `<course display_name="${xmlEscape(title)}"${course.start ? ` start="${xmlEscape(course.start)}"` : ''}/>\n`,
    [`course/policies/${run}/policy.json`]: `${JSON.stringify(policy, null, 2)}\n`,
    [`course/policies/${run}/grading_policy.json`]: `${JSON.stringify({ GRADER: [], GRADE_CUTOFFS: { Pass: 0.5 } }, null, 2)}\n`,
    'course/about/overview.html': `<section class="about">\n  <h2>About This Course</h2>\n  <p>${xmlEscape(course.description ?? title)}</p>\n</section>\n`,
  };
}

/** The initial course as a .tar.gz for Studio's import API (Studio branch of a new course). */
export async function buildCourseTarball(course: InitialCourse): Promise<CourseArchive> {
  const tar = pack();
  const chunks: Uint8Array[] = [];
  const done = new Promise<void>((resolve, reject) => {
    tar.on('data', (chunk: unknown) => {
      if (chunk instanceof Uint8Array) chunks.push(chunk);
    });
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  for (const [name, content] of Object.entries(initialCourseFiles(course))) {
    tar.entry({ name, mode: 0o644, mtime: new Date(0) }, content);
  }
  tar.finalize();
  await done;
  return { filename: `${course.number}-${course.run}.tar.gz`, data: new Uint8Array(gzipSync(Buffer.concat(chunks))) };
}
