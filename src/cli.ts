import type { Command } from 'commander';
import { baseProgram, runProgram } from './cli/program';
import { registerServe } from './cli/serve';
import { registerGithubActions } from './cli/github-actions';
import { registerZendeskCommands } from './cli/zendesk';
import { registerRequestCommand } from './cli/request';
import { registerPlanCommand } from './cli/plan';
import { registerRolloverCommand } from './cli/rollover';
import { registerDemoCommand } from './cli/demo';
import { registerCheckCommand } from './cli/check';
import { registerDoctorCommand } from './cli/doctor';

/**
 * `orcoursetrion`: the 2015 tool's seven GitHub actions (same names, flags, output lines),
 * plus the service's own commands. Each command module registers itself on the program.
 * Exit codes: 0 ok, 1 failed, 2 usage.
 */
export function buildProgram(): Command {
  const program = baseProgram();
  registerServe(program);
  registerGithubActions(program);
  registerZendeskCommands(program);
  registerRequestCommand(program);
  registerPlanCommand(program);
  registerRolloverCommand(program);
  registerDemoCommand(program);
  registerCheckCommand(program);
  registerDoctorCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  return runProgram(buildProgram(), argv);
}
