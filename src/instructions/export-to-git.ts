import type { Instructions } from '../engine/types';
import { code, line, link, renderInstructions, shellQuote, strong } from './render';
import { githubPage, studioPage, type EdxSites } from './sites';

export interface ExportToGitStep {
  sites: EdxSites;
  courseKey: string;
  /** The course's export repository, `org/name`. */
  repo: string;
  branch: string;
}

/** Export a Studio course to its git repository (Studio's "Export to Git", no REST API). */
export function exportToGitInstructions(input: ExportToGitStep): Instructions {
  const { sites, courseKey, repo, branch } = input;
  const ssh = sites.sshUrl(repo);
  return renderInstructions({
    title: `Export ${courseKey} from Studio to ${repo}`,
    steps: [
      { text: line`Open ${link(studioPage.advancedSettings(sites, courseKey))} and check that ${strong('Git URL')} (giturl) is ${code(`"${ssh}"`)}; set it and save if not.` },
      {
        text: line`Open ${link(studioPage.exportGit(sites, courseKey))} and click ${strong('Export to git')}. If Studio has no such page (git export disabled), run this as the edxapp user on a CMS host instead:`,
        command: `./manage.py cms git_export ${shellQuote(courseKey)} ${shellQuote(ssh)} --settings=${shellQuote(sites.manageSettings)}`,
      },
    ],
    checks: [
      line`${link(githubPage.commits(sites, repo, branch))} shows a new commit from the export, a minute old or less.`,
      line`The repository ${link(githubPage.repo(sites, repo), repo)} has ${code('course.xml')} at its top.`,
    ],
  });
}
