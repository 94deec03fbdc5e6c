import type { Command } from 'commander';
import type { Check } from '../doctor/check';
import type { CliIo } from './io';

/** One line per check; a failure carries the setting to change and how. */
export function doctorText(checks: Check[]): string {
  const lines = checks.map((c) => `${c.status.padEnd(4)}  ${c.check}: ${c.detail}${c.status === 'FAIL' ? ` -> ${c.setting}: ${c.fix}` : ''}`);
  const count = (s: Check['status']) => checks.filter((c) => c.status === s).length;
  return `${lines.join('\n')}\ndoctor: ${count('ok')} ok, ${count('FAIL')} FAIL, ${count('skip')} skip\n`;
}

/**
 * `orcoursetrion doctor [--json]`: a read-only preflight of a deployment (GitHub, Zendesk, edX);
 * exit 1 when any check fails. In sandbox mode the service itself runs on a temporary database
 * against the simulators, so the webhook test has someone to reach. Heavy modules load in the action.
 */
export function registerDoctorCommand(program: Command, io?: CliIo): void {
  const cmd = program
    .command('doctor')
    .description('check a deployment\'s settings against GitHub, Zendesk and edX (read-only); exit 1 if a check fails')
    .option('--json', 'print the checks as a JSON array of {check, status, detail, setting?, fix?}')
    .option('--verbose', 'print warnings and stack traces');
  cmd.action(async (options: { json?: boolean; verbose?: boolean }) => {
    const [{ processIo }, { runCommand }] = await Promise.all([import('./io'), import('./context')]);
    const cli = io ?? processIo();
    await runCommand('doctor', cli, options.verbose, async () => {
      const { diagnose } = await import('./doctor-run');
      const checks = await diagnose(cli, Boolean(options.verbose));
      cli.stdout(options.json ? `${JSON.stringify(checks, null, 2)}\n` : doctorText(checks));
      return checks.some((c) => c.status === 'FAIL') ? 1 : 0;
    });
  });
}
