import type { StepRow } from '../db/schema';

/**
 * How an agent undoes what a step of a cancelled request already did, by step key. Instructions
 * only: cancelling never deletes anything by itself, since a repository or a course run may
 * already be in use. The step's title names the repository, team or course concerned.
 */
const UNDO: Record<string, string> = {
  'create-repo': 'Archive or delete the repository on GitHub, unless someone already uses it.',
  'copy-repo': 'Archive or delete the new repository on GitHub, unless someone already uses it.',
  'deploy-team': "Remove the deploy team's access in the repository's settings (Collaborators and teams), or delete the repository.",
  'github-team': 'Delete the GitHub team, or remove the members it was given, unless another run of the course uses it.',
  'github-team-change': "Undo the change on the GitHub team (its Members page): take off the people it added, add back the people it removed.",
  'edx-course-team-remove': 'Add the removed people back to the course team in Studio (Settings › Course team), with the roles they had.',
  'export-repo-files': 'Revert the commit that added these files, or delete the repository.',
  'scaffold-course': 'Revert the commit that wrote the course skeleton, or delete the repository.',
  'change-course-key': 'Revert the commit that changed the course key, or delete the repository.',
  'staging-hook': "Remove the staging gitreload web hook in the repository's settings (Webhooks).",
  'production-hook': "Remove the production gitreload web hook in the repository's settings (Webhooks).",
  'live-branch': 'Delete the live branch of the repository.',
  'remove-hooks': 'Add back the web hooks the source repository still needs.',
  'create-studio-course': 'Ask edX operations to delete the course run (Studio has no delete), or leave it unlisted with no enrollment.',
  'split-rerun': 'Ask edX operations to delete the new course run (Studio has no delete), or leave it unlisted with no enrollment.',
  'set-giturl': "Clear the run's giturl in Studio's Advanced Settings.",
  'import-course': 'Delete the imported run with edX operations, or leave it unlisted.',
  'staging-import': 'Delete the imported course from staging (edX operations), or leave it unlisted.',
  'production-import': 'Delete the imported course from production (edX operations), or hide it: it may be visible to learners.',
  'edx-course-team': "Remove the members added to the course team in Studio (Settings › Course team).",
  'edx-course-team-production': "Remove the members added to the production course team (Settings › Course team).",
  'export-to-git': 'Nothing to undo on edX; revert the export commit if the repository should not hold it.',
  'export-old-run': 'Nothing to undo on edX; revert the export commit if the repository should not hold it.',
  'delete-staging': 'The old run was deleted from staging: re-import it from its export repository if it is needed again.',
  'delete-production': 'The old run was deleted from production: re-import it from its export repository if it is needed again.',
  'update-ticket': 'The course was recorded as provisioned and the requester told: correct the ticket and our records by hand.',
};

/** What to do about one step that already took effect (or may have: it was running). */
export function undoInstruction(step: Pick<StepRow, 'key' | 'title'>): string {
  return UNDO[step.key] ?? `Check what "${step.title}" did and undo it by hand.`;
}
