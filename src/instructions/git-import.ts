import type { Instructions } from '../engine/types';
import type { EdxEnvironment } from '../courses/edx';
import { code, line, link, renderInstructions, shellQuote } from './render';
import { githubPage, lmsPage, type EdxSites } from './sites';

export interface GitImportStep {
  sites: EdxSites;
  environment: EdxEnvironment;
  courseKey: string;
  /** `org/name` on GitHub. */
  repo: string;
  branch: string;
}

/** Where edx-sysadmin (and gitreload) keep course clones: GIT_REPO_DIR on the LMS hosts. */
const GIT_REPO_DIR = '/edx/var/app/edxapp/course_repos';

/** Import a course repository into an LMS with edx-sysadmin's git_add_course (no hook configured). */
export function gitImportInstructions(input: GitImportStep): Instructions {
  const { sites, environment: env, repo, branch, courseKey } = input;
  const ssh = sites.sshUrl(repo);
  const name = repo.split('/').pop() ?? repo;
  return renderInstructions({
    title: `Import ${repo} (${branch}) into the ${env} LMS`,
    steps: [
      { text: line`Check that ${link(githubPage.repo(sites, repo), repo)} has the branch ${code(branch)} with ${code('course.xml')} at its top.` },
      {
        text: line`Open ${link(lmsPage.gitImport(sites, env))}, enter ${code(ssh)} as the repository location and ${code(branch)} as the branch, and start the import. Or, as the edxapp user on an LMS host of ${env}, run:`,
        command: `./manage.py lms git_add_course ${shellQuote(ssh)} --directory_path ${shellQuote(`${GIT_REPO_DIR}/${name}`)} --repository_branch ${shellQuote(branch)} --settings=${shellQuote(sites.manageSettings)}`,
      },
    ],
    checks: [
      line`${link(lmsPage.gitLogs(sites, env))} shows the import of ${code(name)} with no errors.`,
      line`The course ${code(courseKey)} opens at ${link(lmsPage.courseware(sites, env, courseKey))}.`,
      line`If the import failed, fix the course in the repository and import again (importing twice is safe).`,
    ],
  });
}
