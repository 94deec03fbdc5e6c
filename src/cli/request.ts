import { Argument, type Command } from 'commander';
import { z } from 'zod';
import { REQUEST_TYPES, type RequestType } from '../db/schema';
import { stepsOf } from '../engine/engine';
import { AppError } from '../errors';
import { approveRequest } from '../requests/actions';
import { approvalRulesOf, approvingRule, ruleActor } from '../requests/approval';
import { createRequest } from '../requests/create';
import { openStore } from '../rollover/runtime';
import { cliActor, cliSettings, processIo, runCommand, type CliIo } from './context';
import { planText, planView } from './plan-view';
import { draftOf, problemLine, requestOptionsSchema, withRequestOptions } from './request-options';
import { registerRequestActions } from './request-actions';

/**
 * `orcoursetrion request new|publish|rerun`: a request without a ticket, validated exactly as
 * intake validates a ticket (same rules, same GitHub, edX and database checks). A request with
 * problems is not stored: there is no ticket on which to fix it, so every problem is printed and
 * the exit code is 1. `--approve` approves it as `cli:<user>`; the service's engine then runs it.
 *
 * When Zendesk is configured (the running sandbox's included), the request gets its course-request
 * ticket (see createRequest), whose number and agent link are printed.
 */
export function registerRequestCommand(program: Command, io: CliIo = processIo()): void {
  const cmd = withRequestOptions(
    program
      .command('request')
      .description('create a course request from the command line (validated as a ticket is)')
      .addArgument(new Argument('<type>', 'request type').choices(REQUEST_TYPES)),
  ).option('--approve', 'approve it too (as cli:<your user>); the service starts it at its next wake-up');
  registerRequestActions(cmd, io);
  cmd.action(async (type: RequestType) => {
    const o = requestOptionsSchema.extend({ approve: z.boolean().optional() }).parse(cmd.opts());
    await runCommand('request', io, o.verbose, async () => {
      const settings = await cliSettings(io, { verbose: o.verbose, useSandbox: true });
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
  });
}
