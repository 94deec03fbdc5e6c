import type { Instructions } from '../engine/types';
import { code, line, link, renderInstructions, strong } from './render';
import { studioPage, type EdxSites } from './sites';

export interface SetGitUrlStep {
  sites: EdxSites;
  courseKey: string;
  /** The course's export repository, `org/name`. */
  repo: string;
}

/** Set the `giturl` advanced setting that Studio's "Export to Git" pushes to. */
export function setGitUrlInstructions(input: SetGitUrlStep): Instructions {
  const { sites, courseKey, repo } = input;
  const value = `"${sites.sshUrl(repo)}"`;
  return renderInstructions({
    title: `Set the Git URL of ${courseKey}`,
    steps: [
      { text: line`Open ${link(studioPage.advancedSettings(sites, courseKey))}.` },
      { text: line`Find ${strong('Git URL')} (giturl). If it is not listed, git export is disabled in Studio: ask the edX operators to enable ENABLE_EXPORT_GIT, then continue.` },
      { text: line`Replace its value with ${code(value)}, including the double quotes, and click ${strong('Save Changes')}.` },
    ],
    checks: [line`After reloading the page, Git URL still shows ${code(value)}.`],
  });
}
