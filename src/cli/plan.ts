import { Argument, InvalidArgumentError, type Command } from 'commander';
import { REQUEST_TYPES, type RequestType } from '../db/request-types';
import { processIo, type CliIo } from './io';
import { withRequestOptions } from './request-options';

const requestId = (value: string) => {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a request id (a positive whole number)`);
  return Number(value);
};

/**
 * `orcoursetrion plan new|publish|rerun|team ...` and `plan --request ID`: the exact steps a request
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
    const { runPlan } = await import('./plan-run');
    await runPlan(io, type, cmd.opts());
  });
}
