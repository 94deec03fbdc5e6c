import type { Instructions } from '../engine/types';
import type { EdxEnvironment } from '../courses/edx';
import { code, line, link, renderInstructions, shellQuote } from './render';
import { githubPage, lmsPage, studioPage, type EdxSites } from './sites';

export interface DeleteCourseStep {
  sites: EdxSites;
  environment: EdxEnvironment;
  courseKey: string;
  /** The run's git repository (`org/name`), where its content is kept. */
  repo: string;
}

/** Delete an old run from one installation: `delete_course` has no API and asks twice. */
export function deleteCourseInstructions(input: DeleteCourseStep): Instructions {
  const { sites, environment: env, courseKey, repo } = input;
  return renderInstructions({
    title: `Delete ${courseKey} from ${env}`,
    warning: line`This permanently deletes the course ${code(courseKey)} from ${env}. It cannot be undone: check the course key twice.`,
    destructive: true,
    steps: [
      { text: line`Make sure this is the old run and not the new one: open ${link(lmsPage.about(sites, env, courseKey))} and compare the course key ${code(courseKey)}.` },
      { text: line`Make sure its content is safe in ${link(githubPage.repo(sites, repo), repo)}; if not, download a copy from ${link(studioPage.export(sites, courseKey))} first.` },
      {
        text: line`Delete it: as the edxapp user on a CMS (Studio) host of ${env}, run the command below in a terminal and answer ${code('yes')} to both questions. (Where edx-sysadmin is installed you can instead enter ${code(courseKey)} as the course id at ${link(lmsPage.courses(sites, env))}.)`,
        command: `./manage.py cms delete_course ${shellQuote(courseKey)} --settings=${shellQuote(sites.manageSettings)}`,
      },
    ],
    checks: [
      line`${link(lmsPage.about(sites, env, courseKey))} now answers "Page not found".`,
      line`${link(lmsPage.courses(sites, env))} no longer lists ${code(courseKey)}.`,
    ],
  });
}
