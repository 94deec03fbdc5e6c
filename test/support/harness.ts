import { AppError } from '../../src/errors';
import { sign } from 'hono/jwt';
import { createApp } from '../../src/app';
import { zendeskAgentDirectory, type AgentDirectory } from '../../src/auth/agent-directory';
import { sqliteReadiness } from '../../src/db/readiness';
import { openSqlite, type SqliteHandle } from '../../src/db/sqlite';
import { createZendeskHttp } from '../../src/integrations/zendesk/client';
import { createUserOperations } from '../../src/integrations/zendesk/users';
import { createEngine, type Engine } from '../../src/engine/engine';
import type { EngineHooks, EngineObserver, WorkflowResolver } from '../../src/engine/types';
import { createLogger, silentLogger } from '../../src/log';
import { validateDraft } from '../../src/requests/draft';
import { createZendeskSimulator, type ZendeskSimulator } from '../../src/simulators/zendesk/simulator';
import { createDeliveryRecorder } from '../../src/webhooks/delivery-recorder';
import { signZendeskPayload } from '../../src/webhooks/signature';
import { webhookSecretSource } from '../../src/webhooks/secrets';

export const SHARED_SECRET = 'test-shared-secret-0123456789abcdef0123456789';
export const WEBHOOK_SECRET = 'test-webhook-secret-abcdef';

export interface Harness {
  handle: SqliteHandle;
  app: ReturnType<typeof createApp>;
  engine: Engine;
  clock: { now: number; advance(ms: number): void; (): number };
  logs: string[];
  wakes: number;
}

export function fakeClock(start = Date.parse('2026-11-25T12:00:00Z')) {
  const clock = Object.assign(() => clock.now, {
    now: start,
    advance(ms: number) {
      clock.now += ms;
    },
  });
  return clock;
}

/** An app and engine on a fresh database, with the workflows and hooks a test gives it. */
export function createHarness(options: { workflows?: WorkflowResolver; hooks?: EngineHooks; path?: string; workerId?: string; leaseMs?: number; maxAttempts?: number; observer?: EngineObserver } = {}): Harness {
  const handle = openSqlite(options.path ?? ':memory:');
  const clock = fakeClock();
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', write: (l) => logs.push(l), secrets: [SHARED_SECRET, WEBHOOK_SECRET], clock });
  const workflows = options.workflows ?? (() => []);
  const engine = createEngine({
    db: handle.db,
    clock,
    log,
    workflows,
    hooks: options.hooks ?? {},
    observer: options.observer,
    options: { workerId: options.workerId ?? 'test-worker', leaseMs: options.leaseMs ?? 30_000, maxAttempts: options.maxAttempts ?? 5, random: () => 0.5 },
  });
  const harness: Harness = {
    handle,
    engine,
    clock,
    logs,
    wakes: 0,
    app: testApp({
      handle,
      clock,
      log,
      engine,
      workflows,
      webhookSecret: WEBHOOK_SECRET,
      wake: () => {
        harness.wakes++;
      },
    }),
  };
  return harness;
}

export const AGENT = { id: 1001, name: 'Ada Agent', email: 'ada@example.edu' };

/**
 * The sidebar's agents as the service learns them: from a simulated Zendesk account (agent
 * 1001 is Ada Agent) over its HTTP API, through the real adapter.
 */
export function testAgents(clock: () => number, agent: { id: number; name: string; email: string } = AGENT): { agents: AgentDirectory; zendesk: ZendeskSimulator } {
  const zendesk = createZendeskSimulator({ email: 'orc-bot@acme.test', token: 'zd-token-agents', clock });
  zendesk.seedUser({ ...agent, role: 'agent' });
  const http = createZendeskHttp({
    config: { ORC_ZENDESK_URL: 'https://acme.zendesk.test', ORC_ZENDESK_EMAIL: 'orc-bot@acme.test', ORC_ZENDESK_TOKEN: 'zd-token-agents' },
    logger: silentLogger,
    fetch: (input, init) => zendesk.fetch(new Request(input, init)),
  });
  const users = createUserOperations(http);
  return { agents: zendeskAgentDirectory({ lookup: (id) => users.getUser(id), clock }), zendesk };
}

/** The service's Hono app on a test database, with shape-only draft validation and the test secrets. */
export function testApp(deps: {
  handle: SqliteHandle;
  clock: () => number;
  log: ReturnType<typeof createLogger>;
  engine: Engine;
  workflows: WorkflowResolver;
  webhookSecret: string;
  sharedSecret?: string;
  /** Default: testAgents (Ada Agent is 1001). */
  agents?: AgentDirectory;
  wake(): void;
  extraRoutes?: Parameters<typeof createApp>[0]['extraRoutes'];
  checkCourse?: Parameters<typeof createApp>[0]['checkCourse'];
}) {
  return createApp({
    db: deps.handle.db,
    clock: deps.clock,
    log: deps.log,
    scrub: (s) => s,
    engine: deps.engine,
    workflows: deps.workflows,
    validateDraft: async (d) => validateDraft(d).problems,
    // Without a GitHub given, the course check says so (it is tested through the sandbox).
    checkCourse:
      deps.checkCourse ??
      (async () => {
        throw new AppError(503, 'no_github', 'this test app has no GitHub to read a course from');
      }),
    sharedSecret: deps.sharedSecret ?? SHARED_SECRET,
    agents: deps.agents ?? testAgents(deps.clock).agents,
    recorder: createDeliveryRecorder(deps.handle.db),
    webhookSecrets: webhookSecretSource(deps.handle.db, deps.clock, deps.webhookSecret),
    ready: sqliteReadiness(deps.handle.db),
    wake: deps.wake,
    timeZone: 'UTC',
    extraRoutes: deps.extraRoutes,
  });
}

export async function agentToken(claims: Record<string, unknown> = {}, secret = SHARED_SECRET, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return sign({ sub: String(AGENT.id), name: AGENT.name, email: AGENT.email, iat, exp: iat + 300, ...claims }, secret, 'HS256');
}

export async function signedDelivery(body: string, options: { secret?: string; timestamp?: string; invocationId?: string; now?: number } = {}) {
  const timestamp = options.timestamp ?? new Date(options.now ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const signature = await signZendeskPayload(options.secret ?? WEBHOOK_SECRET, timestamp, body);
  return {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': signature,
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-invocation-id': options.invocationId ?? crypto.randomUUID(),
      'x-zendesk-webhook-id': '01HWEBHOOK',
    },
  } satisfies RequestInit;
}

export async function insertRequest(h: Harness, overrides: Partial<typeof import('../../src/db/schema').requests.$inferInsert> = {}) {
  const { requests } = await import('../../src/db/schema');
  const [row] = await h.handle.db
    .insert(requests)
    .values({
      type: 'new',
      kind: 'xml',
      status: 'pending_approval',
      courseNumber: '8.01r',
      term: '2027_Spring',
      params: { courseTitle: 'Physics I' },
      requestedAt: h.clock.now,
      updatedAt: h.clock.now,
      ...overrides,
    })
    .returning();
  return row!;
}
