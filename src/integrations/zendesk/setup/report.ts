import type { Action } from './plan';

/** How `zendesk setup` tells the operator what it planned or did, as text or JSON. */

export interface SetupReport {
  dryRun: boolean;
  zendeskUrl: string;
  webhookEndpoint: string;
  actions: Action[];
  /** zendesk_objects keys written (absent on a dry run). */
  stored?: string[];
}

export function summarize(actions: Action[]) {
  const count = (type: Action['type']) => actions.filter((a) => a.type === type).length;
  return { create: count('create'), update: count('update'), unchanged: count('unchanged'), conflict: count('conflict') };
}

export function reportJson(report: SetupReport): string {
  const summary = summarize(report.actions);
  return JSON.stringify({ ...report, summary, changed: summary.create + summary.update > 0 }, null, 2) + '\n';
}

function line(action: Action): string {
  const detail =
    action.type === 'update' ? ` (${action.changes.join(', ')})` : action.type === 'conflict' ? `: ${action.reason}` : '';
  return `  ${action.type.padEnd(9)} ${action.kind.padEnd(12)} ${action.title}${detail}${action.note ? `; ${action.note}` : ''}`;
}

export function reportText(report: SetupReport): string {
  const s = summarize(report.actions);
  const header = `Zendesk setup${report.dryRun ? ' plan (dry run)' : ''} for ${report.zendeskUrl}; webhook endpoint ${report.webhookEndpoint}`;
  const changes = s.create + s.update;
  let verdict: string;
  if (s.conflict > 0) verdict = `${s.conflict} object(s) need a person first; nothing was changed.`;
  else if (report.dryRun) verdict = changes === 0 ? `Nothing to change: all ${s.unchanged} objects are up to date.` : `Would create ${s.create}, update ${s.update}; ${s.unchanged} unchanged. Nothing was changed (dry run).`;
  else if (changes === 0) verdict = `Nothing to change: all ${s.unchanged} objects are up to date.`;
  else verdict = `Created ${s.create}, updated ${s.update}; ${s.unchanged} unchanged.`;
  const written = report.stored ?? [];
  const secret = written.includes('webhook') ? ' (with the webhook signing secret)' : '';
  const stored = written.length > 0 ? [`Stored ${written.length} object id(s)${secret} in the database.`] : [];
  return [header, ...report.actions.map(line), verdict, ...stored].join('\n') + '\n';
}
