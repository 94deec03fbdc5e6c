import type { Command } from 'commander';

/**
 * The options of `request` and `plan`, mapped onto the same draft a ticket becomes, so the CLI
 * is validated by the very rules intake applies. Values are passed through as typed: the
 * draft's validation names what is wrong, not commander. Registration only (commander): the
 * mapping onto a draft is in `request-draft`, loaded when a command runs.
 */
export function withRequestOptions(cmd: Command): Command {
  return cmd
    .option('--course <course>', 'course number, e.g. 8.01r')
    .option('--term <term>', 'term, e.g. 2027_Spring (a rerun: the old term)')
    .option('--new-term <term>', 'rerun: the new term, e.g. 2027_Fall')
    .option('--kind <kind>', 'xml (XML/latex2edx in git) or studio', 'xml')
    .option('--title <title>', 'course title (required for a new course)')
    .option('--member <usernames...>', 'GitHub usernames of the course team')
    .option('--add <usernames...>', 'team change: GitHub usernames to add to the course team')
    .option('--remove <usernames...>', 'team change: GitHub usernames to remove from the course team')
    .option('--team <team>', 'GitHub team name (default: named after the repository)')
    .option('--instructor <username>', 'the instructor (course team admin on edX)')
    .option('--description <text>', 'course description (about page)')
    .option('--start-date <YYYY-MM-DD>', 'do not start the work before this date')
    .option('--json', 'print the result as JSON')
    .option('--verbose', 'print warnings and stack traces');
}
