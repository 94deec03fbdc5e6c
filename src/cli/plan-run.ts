import { z } from 'zod';
import type { RequestRow, RequestType } from '../db/schema';
import { stepsOf } from '../engine/engine';
import { getRequest } from '../requests/actions';
import { approvalRulesOf, approvingRule } from '../requests/approval';
import { assessDraft, unsavedRequest } from '../requests/create';
import { openStore } from '../rollover/runtime';
import { failedNotesOf } from '../story/failed-notes';
import { cliActor, cliSettings, runCommand } from './context';
import type { CliIo } from './io';
import { planText, planView } from './plan-view';
import { draftOf, problemLine, requestOptionsSchema } from './request-draft';

/** A plan reads the database and the workflows only: no GitHub or edX call, no sidebar. */
const PLAN_USE = { sidebar: false, github: false, edx: false };

/** What `plan` does once its options are parsed (see `registerPlanCommand`). */
export async function runPlan(io: CliIo, type: RequestType | undefined, options: unknown): Promise<void> {
  const o = requestOptionsSchema.extend({ request: z.number().int().positive().optional() }).parse(options);
  const id = o.request;
  if (!type === (id === undefined)) {
    io.stderr('orcoursetrion plan: give a request type (new, publish, rerun or team) with its options, or --request ID\n');
    process.exitCode = 2;
    return;
  }
  await runCommand('plan', io, o.verbose, async () => {
    const settings = await cliSettings(io, { verbose: o.verbose, useSandbox: false, use: PLAN_USE });
    const store = await openStore({ config: settings.config, log: settings.log, database: id === undefined ? ':memory:' : undefined });
    // Zendesk organisations and groups, and a course team's members, are not read here: a rule that needs them is checked at intake.
    const ruleName = async (request: RequestRow) =>
      (await approvingRule(approvalRulesOf(settings.config), { db: store.handle.db, request, requesterEmail: request.requester ?? undefined }))?.name ?? null;
    try {
      let view;
      if (id !== undefined) {
        const request = await getRequest(store.handle.db, id);
        const approval = request.status === 'pending_approval' ? { rule: await ruleName(request) } : undefined;
        const failedNotes = await failedNotesOf(store.handle.db, request.ticketId);
        view = planView(request, store.services.workflows(request), await stepsOf(store.handle.db, id), store.services.flow.sites, approval, failedNotes);
      } else {
        const assessment = await assessDraft({ config: settings.config, externalProblems: async () => [] }, draftOf(type!, o));
        if (assessment.problems.length > 0) {
          if (o.json) io.stdout(JSON.stringify({ ok: false, problems: assessment.problems }) + '\n');
          io.stderr(assessment.problems.map((p) => `orcoursetrion plan: ${problemLine(p)}\n`).join(''));
          return 1;
        }
        const request = unsavedRequest(assessment, cliActor(io.env).name, Date.now());
        view = planView(request, store.services.workflows(request), [], store.services.flow.sites, { rule: await ruleName(request) });
      }
      io.stdout(settings.scrub(o.json ? JSON.stringify({ ok: true, ...view }) + '\n' : planText(view)));
      return 0;
    } finally {
      await store.close();
    }
  });
}
