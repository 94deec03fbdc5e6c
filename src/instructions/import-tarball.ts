import type { Instructions } from '../engine/types';
import { code, line, link, renderInstructions, strong } from './render';
import { studioPage, type EdxSites } from './sites';

export interface ImportTarballStep {
  sites: EdxSites;
  courseKey: string;
  /** The .tar.gz to import. */
  filename: string;
  /** Where the agent can download it, when the service serves it. */
  downloadUrl?: string;
}

/** Import a course tarball through Studio's Import page (import API not enabled). */
export function importTarballInstructions(input: ImportTarballStep): Instructions {
  const { sites, courseKey, filename, downloadUrl } = input;
  return renderInstructions({
    title: `Import ${filename} into ${courseKey}`,
    intro: line`Importing replaces the course's content; do it only on the new, empty run ${code(courseKey)}.`,
    steps: [
      { text: downloadUrl ? line`Download ${link(downloadUrl, filename)}.` : line`Get ${code(filename)} from the attachments of this ticket.` },
      { text: line`Open ${link(studioPage.import(sites, courseKey))}, click ${strong('Choose a File to Import')} and pick ${code(filename)}.` },
      { text: line`Click ${strong('Replace my course with the one above')} and keep the page open until every stage says it is done.` },
    ],
    checks: [line`${link(studioPage.outline(sites, courseKey))} shows the imported course.`],
  });
}
