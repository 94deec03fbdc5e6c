import { z } from 'zod';
import type { RequestType } from '../db/schema';
import { stepsOf } from '../engine/engine';
import { approveRequest } from '../requests/actions';
import { approvalRulesOf, approvingRule, ruleActor } from '../requests/approval';
import { createRequest } from '../requests/create';
import { openStore } from '../rollover/runtime';
import { cliActor, cliSettings, runCommand } from './context';
import type { CliIo } from './io';
import { planText, planView } from './plan-view';
import { draftOf, problemLine, requestOptionsSchema } from './request-draft';

/** Intake's checks call GitHub and edX; no sidebar is served, so no ORC_APP_SHARED_SECRET. */
const REQUEST_USE = { sidebar: false, github: true, edx: true };

/** What `request` does once its options are parsed (see `registerRequestCommand`). */
export async function runRequest(io: CliIo, type: RequestType, options: unknown): Promise<void> {
  const o = requestOptionsSchema.extend({ approve: z.boolean().optional() }).parse(options);
  await runCommand('request', io, o.verbose, async () => {
    const settings = await cliSettings(io, { verbose: o.verbose, useSandbox: true, use: REQUEST_USE });
    const store = await openStore({ config: settings.config, log: settings.log });
    try {
      const actor = cliActor(io.env);
      const outcome = await createRequest(store.createDeps, draftOf(type, o), actor);
      if (!outcome.created) {
        const { problems } = outcome.assessment;
        if (o.json) io.stdout(JSON.stringify({ ok: false, problems }) + '\n');
        io.stderr(problems.map((p) => `orcoursetrion request: ${problemLine(p)}\n`).join(''));
        return 1;
      }
      // Without --approve, the approval rules decide as they do at ticket intake.
      const rule = o.approve ? undefined : await approvingRule(approvalRulesOf(settings.config), { db: store.handle.db, request: outcome.request, requesterEmail: outcome.request.requester ?? undefined });
      const approver = o.approve ? actor : rule && ruleActor(rule);
      const request = approver ? await approveRequest(store.requestDeps, outcome.request.id, approver, rule ? 'approval rule' : 'cli') : outcome.request;
      const view = planView(request, store.services.workflows(request), await stepsOf(store.handle.db, request.id), store.services.flow.sites);
      const decided = o.approve ? ', approved' : rule ? `, approved by the approval rule "${rule.name}"` : ' (approve it in the sidebar, or run again with --approve)';
      const ticket = request.ticketId === null ? undefined : { id: request.ticketId, url: settings.ticketUrl(request.ticketId) };
      const ticketLine = ticket ? `Ticket #${ticket.id}${ticket.url ? `: ${ticket.url}` : ''}\n` : '';
      io.stdout(settings.scrub(o.json ? JSON.stringify({ ok: true, ...view, ticket }) + '\n' : `Created request ${request.id}${decided}.\n${ticketLine}${planText(view)}`));
      return 0;
    } finally {
      await store.close();
    }
  });
}
