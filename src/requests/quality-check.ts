import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { GithubClient } from '../integrations/github/client';
import type { RepoInfo } from '../integrations/github/repos';
import type { Problem } from './draft';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

/**
 * The publish flow's course quality check (move_course.png: "course test, course image, about
 * page"): course.xml is well-formed and names the course, the about page exists, and the course
 * image the policy names (Studio's default `images_course_image.jpg`) is in static/. Each
 * failure is a problem the requester can fix, never an exception.
 */
export async function courseQualityProblems(github: Pick<GithubClient, 'readTree' | 'readFile'>, repo: RepoInfo): Promise<Problem[]> {
  const field = 'repo';
  const problems: Problem[] = [];
  const tree = await github.readTree(repo.owner, repo.name, repo.defaultBranch);
  const paths = new Set(tree.filter((e) => e.type === 'blob').map((e) => e.path));
  const where = `in ${repo.fullName}`;

  const courseXml = paths.has('course.xml') ? await github.readFile(repo.owner, repo.name, 'course.xml', repo.defaultBranch) : undefined;
  let run: string | undefined;
  if (courseXml === undefined) {
    problems.push({ field, message: `course.xml is missing ${where}: export the course to git (Studio) or add it at the top of the repository` });
  } else {
    const valid = XMLValidator.validate(courseXml);
    if (valid !== true) {
      problems.push({ field, message: `course.xml ${where} is not valid XML (line ${valid.err.line}: ${valid.err.msg}); fix it and push again` });
    } else {
      const course = (parser.parse(courseXml) as { course?: Record<string, unknown> }).course;
      run = typeof course?.url_name === 'string' ? course.url_name : undefined;
      if (!course || !run || typeof course.org !== 'string' || typeof course.course !== 'string') {
        problems.push({ field, message: `course.xml ${where} must be <course url_name="RUN" org="ORG" course="NUMBER"/>` });
      }
    }
  }

  if (![...paths].some((p) => /^about\/overview\.html$/.test(p) || /^about\/[^/]*overview[^/]*\.html$/.test(p))) {
    problems.push({ field, message: `the about page about/overview.html is missing ${where}: write the course description students see before enrolling` });
  }

  let image = 'images_course_image.jpg';
  if (run && paths.has(`policies/${run}/policy.json`)) {
    const policy = await github.readFile(repo.owner, repo.name, `policies/${run}/policy.json`, repo.defaultBranch);
    try {
      const parsed = JSON.parse(policy ?? '{}') as Record<string, { course_image?: unknown }>;
      const named = parsed[`course/${run}`]?.course_image;
      if (typeof named === 'string' && named.trim()) image = named.trim().replace(/^\/?static\//, '');
    } catch {
      problems.push({ field, message: `policies/${run}/policy.json ${where} is not valid JSON; fix it and push again` });
    }
  }
  if (!paths.has(`static/${image}`)) {
    problems.push({ field, message: `the course image static/${image} is missing ${where}: add the image shown on the course card (at least 378x225 pixels)` });
  }
  return problems;
}
