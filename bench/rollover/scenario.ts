import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config';
import { createPacer } from '../../src/integrations/github/pacer';
import { createLogger } from '../../src/log';
import { completeStep } from '../../src/requests/actions';
import type { RequestProgress } from '../../src/rollover/batch';
import { runRollover } from '../../src/rollover/run';
import { startBatchRuntime } from '../../src/rollover/runtime';
import { seedGithub, startSimulators, withoutZendesk } from '../../src/sandbox/simulators';

/**
 * A term rollover of `courses` XML courses against the GitHub, Zendesk and edX simulators on
 * loopback ports, GitHub enforcing a secondary limit of `limitPerMinute` content-creating
 * requests a (scaled) minute. Our records are empty, so the rollover finds the courses by their
 * repo names on GitHub. An agent marks each manual step done (the old runs' deletions, the edX
 * course team) whenever the batch stops on them. Shared by bench/rollover and its CI test.
 */
export interface RolloverScenario {
  courses: number;
  limitPerMinute: number;
  /** 0.01: a minute lasts 600 ms. */
  timeScale: number;
  concurrency: number;
  /** The pacer's budget (default: the production one). */
  pacerPerMinute?: number;
}

export interface RolloverFigures {
  courses: number;
  source: string;
  completed: number;
  failures: string[];
  contentCreating: number;
  /** 403 secondary-limit answers GitHub gave (each waited out and retried by Octokit). */
  secondaryLimited: number;
  agentActions: number;
  elapsedMs: number;
  /** content-creating requests / the limit, in (scaled) time: the brief's minimum. */
  minimumMs: number;
  ratio: number;
  /** Where the time went: finding the courses, making and approving the requests, running them. */
  phases: { findMs: number; requestMs: number; runMs: number };
}

export const FROM = '2026_Fall';
export const TO = '2027_Spring';
export const courseFiles = (course: string) => ({
  'course.xml': `<course url_name="${FROM}" org="MITx" course="${course}"/>\n`,
  [`course/${FROM}.xml`]: `<course display_name="Course ${course}"><chapter url_name="week1"/></course>\n`,
  [`policies/${FROM}/policy.json`]: JSON.stringify({ [`course/${FROM}`]: { display_name: `Course ${course}`, start: '2026-09-01T00:00:00Z' } }),
  'about/overview.html': '<section class="about"><p>About</p></section>\n',
});

/**
 * The simulators' apps called in-process by origin: on these 2-core machines a loopback HTTP
 * round trip costs ~30 ms of the bench's time, which would measure the sockets, not the pacing.
 */
function inProcess(sims: Awaited<ReturnType<typeof startSimulators>>): typeof fetch {
  const apps = new Map<string, { fetch(request: Request): Response | Promise<Response> }>([
    [new URL(sims.env.ORC_GH_API_URL!).origin, sims.github],
    [new URL(sims.env.ORC_ZENDESK_URL!).origin, sims.zendesk],
    [new URL(sims.env.ORC_EDX_STUDIO_URL!).origin, sims.edx.studio],
    [new URL(sims.env.ORC_EDX_STAGING_URL!).origin, sims.edx.lms],
    [new URL(sims.env.ORC_EDX_PRODUCTION_URL!).origin, sims.edx.lms],
  ]);
  return async (input, init) => {
    const request = new Request(input, init);
    const app = apps.get(new URL(request.url).origin);
    if (!app) throw new Error(`bench: no simulator at ${request.url}`);
    return app.fetch(request);
  };
}

export async function runRolloverScenario(s: RolloverScenario): Promise<RolloverFigures> {
  const sims = await startSimulators();
  const dir = mkdtempSync(join(tmpdir(), 'orc-rollover-'));
  const secret = 'rollover-bench-shared-secret-0123456789abcdef';
  const config = parseConfig({ ...withoutZendesk(sims.env), ORC_SANDBOX: '0', ORC_DATABASE: join(dir, 'orc.db'), ORC_APP_SHARED_SECRET: secret, ORC_EDX_API: 'git_import', ORC_LEASE_SECONDS: '10' });
  seedGithub(sims.github, config);
  for (let i = 1; i <= s.courses; i++) {
    const course = `${i}.01`;
    const repo = `${config.ORC_COURSE_PREFIX}-${i}01-${FROM}`;
    // Each course's team lives on GitHub only (no records): intake carries it forward from there.
    sims.github.seed.repo(config.ORC_XML_ORG, repo, { files: courseFiles(course), hooks: [config.ORC_STAGING_GITRELOAD!] }).team(config.ORC_XML_ORG, repo, { members: ['ada', 'grace'] });
  }
  sims.github.setSecondaryLimit({ perMinute: s.limitPerMinute, timeScale: s.timeScale });
  sims.github.stats.reset();

  const log = createLogger({ level: 'error', secrets: [secret], write: (l) => process.stderr.write(l + '\n') });
  const pacer = createPacer({ perMinute: s.pacerPerMinute, timeScale: s.timeScale });
  const store = await startBatchRuntime({ config, log, pacer, timeScale: s.timeScale, concurrency: s.concurrency, fetch: inProcess(sims) });
  const agent = { id: 'agent:bench', name: 'Bench agent' };
  let agentActions = 0;
  // An attentive agent: marks each manual step done as soon as it waits, as the desk would
  // while the batch runs (waiting for the whole batch to stop would split it into phases).
  const inHand = new Set<string>();
  const act = (progress: RequestProgress[]) =>
    Promise.all(
      progress.flatMap((p) => {
        const key = p.waiting && `${p.id}/${p.waiting.key}`;
        if (!p.waiting || !key || inHand.has(key)) return [];
        inHand.add(key);
        return completeStep(store.requestDeps, p.id, p.waiting.key, 'Done as instructed (bench agent)', agent).then(() => void agentActions++);
      }),
    );
  const started = Date.now();
  let found = 0;
  let approved = 0;
  try {
    const result = await runRollover(store, {
      from: FROM,
      to: TO,
      courses: 'all',
      dryRun: false,
      concurrency: s.concurrency,
      actor: { id: 'cli:bench', name: 'cli:bench' },
      pollMs: 20,
      onCourses: () => void (found = Date.now()),
      onProgress: (p) => {
        approved ||= Date.now();
        void act(p);
      },
      onWaiting: async (p) => (await act(p), true),
    });
    const elapsedMs = Date.now() - started;
    const contentCreating = sims.github.stats.requests.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && r.status !== 403).length;
    const minimumMs = (contentCreating / s.limitPerMinute) * 60_000 * s.timeScale;
    return {
      courses: result.entries.length,
      source: result.source,
      completed: result.progress.filter((p) => p.status === 'completed').length,
      failures: [
        ...result.entries.filter((e) => e.problems.length).map((e) => `${e.course.courseNumber}: ${e.problems.map((p) => p.message).join('; ')}`),
        ...result.progress.filter((p) => p.status !== 'completed').map((p) => `request ${p.id}: ${p.status}${p.failed ? ` (${p.failed.key}: ${p.failed.error})` : ''}`),
      ],
      contentCreating,
      secondaryLimited: sims.github.stats.requests.filter((r) => r.status === 403).length,
      agentActions,
      elapsedMs,
      minimumMs,
      ratio: elapsedMs / minimumMs,
      phases: { findMs: found - started, requestMs: approved - found, runMs: started + elapsedMs - approved },
    };
  } finally {
    await store.close();
    await sims.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
