import { Argument, type Command } from 'commander';
import { REQUEST_TYPES, type RequestType } from '../db/request-types';
import { processIo, type CliIo } from './io';
import { withRequestOptions } from './request-options';
import { registerRequestActions } from './request-actions';

/**
 * `orcoursetrion request new|publish|rerun|team`: a request without a ticket, validated exactly as
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
    const { runRequest } = await import('./request-run');
    await runRequest(io, type, cmd.opts());
  });
}
