import { Octokit } from 'octokit';
import { createGithubSimulator } from '../../src/integrations/github/simulator';
const sim = createGithubSimulator({ tokens: { t: 'bot' } });
sim.seed.user('bot').org('mitx');
sim.setLatency(50);
const f = (i: RequestInfo | URL, init?: RequestInit) => Promise.resolve(sim.fetch(new Request(i, init)));
for (const [name, opts] of [
  ['plain', { throttle: { enabled: false }, retry: { enabled: false } }],
  ['retry only', { throttle: { enabled: false } }],
  ['throttle only', { retry: { enabled: false }, throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false } }],
] as const) {
  const o = new Octokit({ auth: 't', baseUrl: 'https://g.b/api/v3', request: { fetch: f }, ...opts });
  await o.rest.users.getByUsername({ username: 'bot' });
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) await o.rest.users.getByUsername({ username: 'bot' });
  console.log(name, ((performance.now() - t0) / 5).toFixed(1), 'ms per sequential GET');
}
