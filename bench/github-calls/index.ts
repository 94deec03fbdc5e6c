/**
 * Requests, sequential round trips and wall time of each of the seven 2015 actions against the
 * in-process GitHub simulator with 50 ms added to every request, next to the 2015 tool.
 *
 *   npx tsx bench/github-calls/index.ts
 *
 * The 2015 figures come from reading mitodl/orcoursetrion (actions/github.py, lib/github.py at
 * release 0.2.1): it used one `requests` session, strictly in sequence, so its round trips equal
 * its requests. Per helper: create_repo = GET repo + POST (2); add_team_repo = GET org teams +
 * PUT (2); add_repo_file = GET repo + PUT (2); add_web_hook = POST (1); delete_web_hooks = GET
 * repo + GET hooks + one DELETE per hook; put_team = GET teams [+ POST team] [+ GET members +
 * one PUT/DELETE per change]. Team listings are counted as one page.
 */
import { parseGithubConfig } from '../../src/config';
import { silentLogger } from '../../src/log';
import { createGithubClient } from '../../src/integrations/github/client';
import * as actions from '../../src/integrations/github/course-actions';
import { createGithubSimulator, type GithubSimulator } from '../../src/integrations/github/simulator';

const LATENCY_MS = 50;
const TOKEN = 'bench-token';
const env = {
  ORC_GH_OAUTH2_TOKEN: TOKEN,
  ORC_GH_API_URL: 'https://github.bench/api/v3/',
  ORC_STAGING_GITRELOAD: 'https://gr.bench/',
  ORC_PRODUCTION_GITRELOAD: 'https://gr-prod.bench/',
};
const settings = parseGithubConfig(env);
const course = { course: '8.01', term: '2027_Spring' };
const OLD = 'content-mit-801-2027_Spring';

interface Case {
  action: string;
  scenario: string;
  /** The 2015 tool's requests for this scenario (see the header). */
  original: number;
  seed(sim: GithubSimulator): void;
  run(gh: Awaited<ReturnType<typeof createGithubClient>>): Promise<unknown>;
}

const cases: Case[] = [
  { action: 'create_export_repo', scenario: 'new repo', original: 2 + 2 + 2 + 2, seed: () => {}, run: (gh) => actions.createExportRepo(gh, settings, course) },
  {
    action: 'rerun_studio', scenario: 'old repo with 1 hook', original: 2 + 1 + 2 + 2 + 2,
    seed: (sim) => sim.seed.repo('MITx-Studio2LMS', OLD, { hooks: ['https://gr-prod.bench/'] }),
    run: (gh) => actions.rerunStudio(gh, settings, { ...course, newTerm: '2028_Spring' }),
  },
  { action: 'release_studio', scenario: 'existing repo', original: 1, seed: (sim) => sim.seed.repo('MITx-Studio2LMS', OLD), run: (gh) => actions.releaseStudio(gh, settings, course) },
  {
    action: 'create_xml_repo', scenario: 'new repo, new team, 2 members', original: 2 + 2 + (1 + 1 + 1 + 2) + 2 + 1,
    seed: () => {}, run: (gh) => actions.createXmlRepo(gh, settings, { ...course, members: ['alice', 'bob'] }),
  },
  { action: 'rerun_xml', scenario: 'repo with 2 hooks', original: 2 + 2, seed: (sim) => sim.seed.repo('mitx', OLD, { hooks: ['https://gr.bench/', 'https://gr-prod.bench/'] }), run: (gh) => actions.rerunXml(gh, settings, course) },
  { action: 'release_xml', scenario: 'existing repo', original: 1, seed: (sim) => sim.seed.repo('mitx', OLD), run: (gh) => actions.releaseXml(gh, settings, course) },
  {
    action: 'put_team', scenario: 'new team, 2 members', original: 1 + 1 + 1 + 2,
    seed: () => {}, run: (gh) => actions.putTeam(gh, { org: 'mitx', team: 'physics-staff', readOnly: false, members: ['alice', 'bob'] }),
  },
];

function world(): GithubSimulator {
  const sim = createGithubSimulator({ tokens: { [TOKEN]: 'orc-bot' } });
  sim.seed.user('orc-bot').user('alice').user('bob').org('mitx').org('MITx-Studio2LMS');
  sim.seed.team('mitx', 'mitx-content-deployment').team('MITx-Studio2LMS', 'mitx-studio-export', { permission: 'push' });
  return sim;
}

const rows: string[][] = [];
for (const c of cases) {
  const sim = world();
  c.seed(sim);
  sim.setLatency(LATENCY_MS);
  // In process: the client's fetch is the simulator's own handler (no socket, no network).
  const gh = await createGithubClient({ config: settings, log: silentLogger, fetch: (input, init) => Promise.resolve(sim.fetch(new Request(input, init))) });
  const started = performance.now();
  await c.run(gh);
  const wall = performance.now() - started;
  const requests = sim.stats.requests;
  const span = Math.max(...requests.map((r) => r.end)) - Math.min(...requests.map((r) => r.start));
  const originalMs = c.original * LATENCY_MS;
  rows.push([
    c.action, c.scenario, String(c.original), `${originalMs}`,
    String(requests.length), String(sim.stats.sequentialRoundTrips()), `${span}`, `${Math.round(wall)}`, `${(span / originalMs).toFixed(2)}`,
  ]);
}

const header = ['action', 'scenario', '2015 req', '2015 ms', 'req', 'seq trips', 'first-last ms', 'wall ms', 'vs 2015'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(`GitHub requests per action, ${LATENCY_MS} ms per request (2015 ms = 2015 requests x ${LATENCY_MS}, all sequential)\n`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
