import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DueBacklog, OutboxBacklog } from '../engine/claim';
import type { EngineObserver } from '../engine/types';
import type { CallObserver } from '../integrations/calls';
import type { MetricsSource, RequestObserver } from '../routes/metrics';
import type { RecordOutcome } from '../webhooks/delivery-recorder';

export interface PrometheusMetrics extends MetricsSource {
  engine: EngineObserver;
  calls: CallObserver;
  requests: RequestObserver;
  /** A webhook delivery was recorded (webhooks/delivery-recorder.ts RecordOutcome). */
  deliveryReceived(outcome: RecordOutcome): void;
}

/**
 * The service's metrics on one prom-client registry of its own (never the global default one,
 * so two services in one process, as in tests, never mix their counts). The backlog gauges are
 * read from the database when scraped, not kept in step with every write.
 */
export function createPrometheusMetrics(deps: { backlog(): Promise<DueBacklog>; outbox(): Promise<OutboxBacklog>; clock: () => number }): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];

  const received = new Counter({ name: 'orc_webhook_deliveries_received_total', help: 'Signed Zendesk deliveries recorded, by outcome (new; coalesced: new, answered by the coming ticket read of an earlier one still pending; duplicate)', labelNames: ['outcome'], registers });
  const processed = new Counter({ name: 'orc_webhook_deliveries_processed_total', help: 'Deliveries the engine processed, by outcome (done, retry, failed; coalesced: answered by the ticket read of an earlier one)', labelNames: ['outcome'], registers });
  const stepRuns = new Counter({ name: 'orc_engine_steps_total', help: 'Step runs, by step kind and outcome (done, waiting, retry, failed)', labelNames: ['kind', 'outcome'], registers });
  const stepSeconds = new Histogram({
    name: 'orc_engine_step_duration_seconds',
    help: 'How long a step run took, by step kind and outcome',
    labelNames: ['kind', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers,
  });
  const calls = new Counter({ name: 'orc_external_calls_total', help: 'HTTP calls to GitHub, Zendesk and edX, by system and status (network_error when no answer came)', labelNames: ['system', 'status'], registers });
  const limits = new Counter({
    name: 'orc_external_rate_limits_total',
    help: 'Answers that said to slow down, by system and kind (too_many_requests: 429; primary, secondary: GitHub 403s)',
    labelNames: ['system', 'kind'],
    registers,
  });
  const notes = new Counter({ name: 'orc_ticket_notes_total', help: 'Ticket note posts (the outbox), by outcome (posted; retry: refused, tried again after a backoff; failed: given up until an agent retries)', labelNames: ['outcome'], registers });
  const requests = new Counter({ name: 'orc_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'], registers });

  // One backlog query per scrape feeds both gauges.
  let scrape: Promise<DueBacklog> | undefined;
  const backlogNow = () => (scrape ??= deps.backlog());
  new Gauge({
    name: 'orc_engine_backlog',
    help: 'Work due now that the engine has not claimed yet, by kind (delivery, step)',
    labelNames: ['kind'],
    registers,
    async collect() {
      const backlog = await backlogNow();
      this.set({ kind: 'delivery' }, backlog.deliveries);
      this.set({ kind: 'step' }, backlog.steps);
    },
  });
  new Gauge({
    name: 'orc_engine_oldest_due_age_seconds',
    help: 'How long the longest-waiting due item has been due (0 when nothing is due)',
    registers,
    async collect() {
      const { oldestDueAt } = await backlogNow();
      this.set(oldestDueAt === undefined ? 0 : Math.max(0, (deps.clock() - oldestDueAt) / 1000));
    },
  });

  // One outbox query per scrape feeds its three gauges.
  let outboxScrape: Promise<OutboxBacklog> | undefined;
  const outboxGauge = (name: string, help: string, value: (o: OutboxBacklog) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.set(value(await (outboxScrape ??= deps.outbox())));
      },
    });
  outboxGauge('orc_ticket_notes_owed', 'Ticket notes owed and not posted yet (due, backing off, or being posted)', (o) => o.owed);
  outboxGauge('orc_ticket_notes_failed', 'Ticket notes given up on, shown in the sidebar until an agent retries them', (o) => o.failed);
  outboxGauge('orc_ticket_notes_oldest_due_age_seconds', 'How long the longest-waiting ticket note a claimer would post now has been due (0 when none)', (o) =>
    o.oldestDueAt === undefined ? 0 : Math.max(0, (deps.clock() - o.oldestDueAt) / 1000),
  );

  return {
    contentType: registry.contentType,
    render: () => {
      scrape = undefined;
      outboxScrape = undefined;
      return registry.metrics();
    },
    deliveryReceived: (outcome) => received.inc({ outcome }),
    engine: {
      deliveryProcessed: (outcome) => processed.inc({ outcome }),
      noteSettled: (outcome) => notes.inc({ outcome }),
      stepSettled: ({ kind, outcome, ms }) => {
        stepRuns.inc({ kind, outcome });
        stepSeconds.observe({ kind, outcome }, ms / 1000);
      },
    },
    calls: {
      externalCall: ({ system, status, rateLimit }) => {
        calls.inc({ system, status: String(status) });
        if (rateLimit) limits.inc({ system, kind: rateLimit });
      },
    },
    requests: { request: ({ method, route, status }) => requests.inc({ method, route, status: String(status) }) },
  };
}
