import { registerGithubActions } from './cli/github-actions';
import { baseProgram, runProgram } from './cli/program';

/**
 * The seven 2015 GitHub actions alone, on the same program as the full CLI (src/cli.ts), so each
 * answers exactly as there (help, usage errors, output lines). bin/orcoursetrion.js runs an
 * action's command line here: built as one CommonJS file (scripts/build-cli.ts), it starts
 * faster than the full CLI's ES module chunks (measured: a release_xml ~35 ms of CPU less).
 */
export async function main(argv: string[]): Promise<number> {
  const program = baseProgram();
  registerGithubActions(program);
  return runProgram(program, argv);
}
