import type { Instructions } from '../engine/types';
import { requireCourseKey } from '../courses/naming';
import { code, line, link, renderInstructions, strong } from './render';
import { studioPage, type EdxSites } from './sites';

export interface CreateCourseStep {
  sites: EdxSites;
  courseKey: string;
  title: string;
}

/** Create an empty course run in Studio by hand (course_runs API not enabled). */
export function createCourseInstructions(input: CreateCourseStep): Instructions {
  const { sites, courseKey, title } = input;
  const { org, number, run } = requireCourseKey(courseKey);
  return renderInstructions({
    title: `Create ${courseKey} in Studio`,
    steps: [
      { text: line`Open ${link(studioPage.home(sites))} and click ${strong('New course')}.` },
      { text: line`Fill in Course name ${code(title)}, Organization ${code(org)}, Course number ${code(number)} and Course run ${code(run)}, exactly as written here.` },
      { text: line`Click ${strong('Create')}.` },
    ],
    checks: [line`${link(studioPage.outline(sites, courseKey))} opens the new course's outline.`],
  });
}
