import { Argument, InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import { REQUEST_TYPES, type RequestRow, type RequestType } from '../db/schema';
import { stepsOf } from '../engine/engine';
import { getRequest } from '../requests/actions';
import { approvalRulesOf, approvingRule } from '../requests/approval';
import { assessDraft, unsavedRequest } from '../requests/create';
import { openStore } from '../rollover/runtime';
import { cliActor, cliSettings, processIo, runCommand, type CliIo } from './context';
import { planText, planView } from './plan-view';
import { draftOf, problemLine, requestOptionsSchema, withRequestOptions } from './request-options';

const requestId = (value: string) => {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a request id (a positive whole number)`);
  return Number(value);
};

/**
 * `orcoursetrion plan new|publish|rerun ...` and `plan --request ID`: the exact steps a request
 * runs (the workflows' own list), changing nothing. A draft's plan is made on an in-memory
 * database and with the draft's own rules only, so it needs no network; `request` runs the
 * checks against GitHub, edX and the database.
 */
export function registerPlanCommand(program: Command, io: CliIo = processIo()): void {
  const cmd = withRequestOptions(
    program
      .command('plan')
      .description('print the plan of a request (steps, automatic or manual, instructions) without changing anything')
      .addArgument(new Argument('[type]', 'request type').choices(REQUEST_TYPES)),
  ).option('--request <id>', 'the plan of an existing request, with its steps\' states', requestId);
  cmd.action(async (type: RequestType | undefined) => {
    const o = requestOptionsSchema.extend({ request: z.number().int().positive().optional() }).parse(cmd.opts());
    const id = o.request;
    if (!type === (id === undefined)) {
      io.stderr('orcoursetrion plan: give a request type (new, publish or rerun) with its options, or --request ID\n');
      process.exitCode = 2;
      return;
    }
    await runCommand('plan', io, o.verbose, async () => {
      const settings = await cliSettings(io, { verbose: o.verbose, useSandbox: false });
      const store = await openStore({ config: settings.config, log: settings.log, database: id === undefined ? ':memory:' : undefined });
      // Zendesk organisations and groups are not read here: a rule that needs them is checked at intake.
      const ruleName = async (request: RequestRow) =>
        (await approvingRule(approvalRulesOf(settings.config), { db: store.handle.db, request, requesterEmail: request.requester ?? undefined }))?.name ?? null;
      try {
        let view;
        if (id !== undefined) {
          const request = await getRequest(store.handle.db, id);
          const approval = request.status === 'pending_approval' ? { rule: await ruleName(request) } : undefined;
          view = planView(request, store.services.workflows(request), await stepsOf(store.handle.db, id), store.services.flow.sites, approval);
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
  });
}
