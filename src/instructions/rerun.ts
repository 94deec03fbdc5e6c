import type { Instructions } from '../engine/types';
import { requireCourseKey } from '../courses/naming';
import { code, line, link, renderInstructions, strong } from './render';
import { studioPage, type EdxSites } from './sites';

export interface RerunStep {
  sites: EdxSites;
  sourceKey: string;
  newKey: string;
  title: string;
}

/** Re-run a course in Studio by hand (rerun API not enabled). */
export function rerunInstructions(input: RerunStep): Instructions {
  const { sites, sourceKey, newKey, title } = input;
  const target = requireCourseKey(newKey);
  return renderInstructions({
    title: `Re-run ${sourceKey} as ${newKey} in Studio`,
    steps: [
      { text: line`Open ${link(studioPage.rerun(sites, sourceKey))}.` },
      { text: line`Fill in Course name ${code(title)}, Course number ${code(target.number)} and Course run ${code(target.run)}; leave Organization as ${code(target.org)}.` },
      { text: line`Click ${strong('Create Re-run')} and wait on Studio home (${link(studioPage.home(sites))}) until it no longer says the re-run is in progress.` },
    ],
    checks: [
      line`${link(studioPage.outline(sites, newKey))} opens the new run's outline with the old run's content.`,
      line`The new run's course key is exactly ${code(newKey)}.`,
    ],
  });
}
