import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';
import { nodeFiles } from '../../src/node-files';
import { approvalRulesOf } from '../../src/requests/approval';
import { settingsOf, type WorkerEnv } from '../../src/worker/bindings';

const problemsOf = (env: Record<string, string>, files = nodeFiles): string[] => {
  try {
    parseConfig(env, files);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
  }
  throw new Error('expected a ConfigError');
};

const rulesFile = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'orc-rules-')), 'approval-rules.json');
  writeFileSync(path, content);
  return path;
};

describe('ORC_APPROVAL_RULES', () => {
  it('reads the rules file at start, in order', () => {
    const path = rulesFile(JSON.stringify({ rules: [{ name: 'physics', when: { requester: ['@Physics.MIT.edu'], type: ['new'] } }, { name: 'anything' }] }));
    const config = parseConfig({ ORC_APPROVAL_RULES: path }, nodeFiles);
    expect(config.approvalRules).toEqual([
      { name: 'physics', when: { requester: ['@physics.mit.edu'], type: ['new'] } },
      { name: 'anything', when: {} },
    ]);
  });

  it('names every problem with the file and the JSON path of the bad entry', () => {
    const path = rulesFile(
      JSON.stringify({
        rules: [
          { name: 'ok', when: { type: ['new'] } },
          { name: 'bad', when: { type: ['renew'], requester: ['mit.edu'], organization: ['ol'], colour: 'red' } },
          { when: { sameTeamAsPrevious: false } },
          { name: 'OK', when: { kind: [] } },
        ],
      }),
    );
    const problems = problemsOf({ ORC_APPROVAL_RULES: path });
    const expected = [
      `${path}: $.rules[1].when: Unrecognized key: "colour"`,
      `${path}: $.rules[1].when.type[0]:`,
      `${path}: $.rules[1].when.requester[0]: must be an address (prof@mit.edu) or a domain written with its @ (@mit.edu)`,
      `${path}: $.rules[1].when.organization[0]: must be a Zendesk id`,
      `${path}: $.rules[2].name: is required`,
      `${path}: $.rules[2].when.sameTeamAsPrevious: must be true`,
      `${path}: $.rules[3].when.kind: must list at least one value`,
    ];
    for (const line of expected) expect(problems.some((p) => p.startsWith(line)), `${line}\n in\n${problems.join('\n')}`).toBe(true);
  });

  it('refuses duplicate names, bad JSON and an unreadable file, naming the fix', () => {
    const dup = rulesFile(JSON.stringify({ rules: [{ name: 'A' }, { name: 'a' }] }));
    expect(problemsOf({ ORC_APPROVAL_RULES: dup })).toEqual([`${dup}: $.rules[1].name: "a" is already the name of rules[0]; names must be unique (each is recorded as an approver)`]);
    const broken = rulesFile('{ "rules": [ ');
    expect(problemsOf({ ORC_APPROVAL_RULES: broken })[0]).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid JSON`));
    expect(problemsOf({ ORC_APPROVAL_RULES: '/nonexistent/rules.json' })).toEqual([
      'ORC_APPROVAL_RULES: cannot read the rules file /nonexistent/rules.json (ENOENT); check the path, or unset it to approve every request by hand',
    ]);
  });

  it('takes the JSON itself where there are no files (Workers), and says so when given a path there', () => {
    const config = parseConfig({ ORC_APPROVAL_RULES: ' {"rules":[{"name":"reruns","when":{"type":["rerun"]}}]}' }, {});
    expect(config.approvalRules).toEqual([{ name: 'reruns', when: { type: ['rerun'] } }]);
    expect(problemsOf({ ORC_APPROVAL_RULES: '/etc/orcoursetrion/rules.json' }, {})).toEqual([
      "ORC_APPROVAL_RULES: this runtime has no files; set the rules' JSON itself (starting with {) instead of a path",
    ]);
    expect(problemsOf({ ORC_APPROVAL_RULES: '{"rules":[{"name":1}]}' }, {})).toEqual(['ORC_APPROVAL_RULES: $.rules[0].name: is required: a short name, recorded as the approver']);
  });

  it('keeps ORC_AUTO_APPROVE and ORC_RERUN_APPROVAL=false as rules after the file\'s', () => {
    const config = parseConfig({ ORC_APPROVAL_RULES: '{"rules":[{"name":"x","when":{"kind":["xml"]}}]}', ORC_AUTO_APPROVE: 'true', ORC_RERUN_APPROVAL: 'false' });
    expect(approvalRulesOf(config).map((r) => [r.name, r.when])).toEqual([
      ['x', { kind: ['xml'] }],
      ['ORC_AUTO_APPROVE', {}],
      ['ORC_RERUN_APPROVAL=false', { type: ['rerun'] }],
    ]);
    expect(approvalRulesOf(parseConfig({}))).toEqual([]);
  });
});

describe('ORC_APPROVAL_RULES on Workers', () => {
  it('reads a wrangler.toml table as the rules\' JSON', () => {
    const env = { ORC_APPROVAL_RULES: { rules: [{ name: 'reruns', when: { type: ['rerun'] } }] } } as unknown as WorkerEnv; // the bindings that matter here
    expect(parseConfig(settingsOf(env), {}).approvalRules).toEqual([{ name: 'reruns', when: { type: ['rerun'] } }]);
  });
});
