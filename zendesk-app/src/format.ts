import type { CourseRequest, Step } from './schemas';

export const REQUEST_TYPE_LABELS: Record<CourseRequest['type'], string> = { new: 'New course', publish: 'Publish', rerun: 'Rerun', team: 'Team change' };

export const REQUEST_STATUS_LABELS: Record<CourseRequest['status'], string> = {
  waiting_on_requester: 'Waiting on requester',
  pending_approval: 'Pending approval',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  waiting_on_agent: 'Waiting on agent',
  completed: 'Completed',
  failed: 'Failed',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

export const STEP_STATUS_LABELS: Record<Step['status'], string> = {
  pending: 'Pending',
  running: 'Running',
  waiting: 'Waiting on agent',
  done: 'Done',
  skipped: 'Skipped',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Tone of a status badge; the text always says the status too (never colour alone). */
export function tone(status: CourseRequest['status'] | Step['status']): 'ok' | 'bad' | 'warn' | 'busy' | 'idle' {
  if (status === 'done' || status === 'completed') return 'ok';
  if (status === 'failed' || status === 'rejected') return 'bad';
  if (status === 'waiting' || status === 'waiting_on_agent' || status === 'pending_approval' || status === 'waiting_on_requester') return 'warn';
  if (status === 'running' || status === 'in_progress') return 'busy';
  return 'idle';
}

/**
 * Dates the way the agent reads them: their browser's language, and their time zone named, so
 * a time is never ambiguous ("Feb 1, 2027, 12:00 AM EST"). A calendar day (a ticket's
 * desired completion) has no time and no zone: "Jan 15, 2027", never the raw 2027-01-15.
 */
const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
const calendarDay = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
export const formatTime = (iso: string) => dateTime.format(new Date(iso));
export function formatDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? calendarDay.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : day;
}

/** "approved" -> "Approved", "step_completed" -> "Step completed". */
export const actionLabel = (action: string) => action.charAt(0).toUpperCase() + action.slice(1).replace(/_/g, ' ');

/** "1 attempt", "2 attempts", "0 attempts". */
export const plural = (count: number, noun: string, nouns = `${noun}s`) => `${count} ${count === 1 ? noun : nouns}`;

/** How long ago, in the largest whole unit: "1 day", "5 hours", "12 minutes". */
export function age(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (minutes < 60) return plural(minutes, 'minute');
  if (minutes < 48 * 60) return plural(Math.floor(minutes / 60), 'hour');
  return plural(Math.floor(minutes / (24 * 60)), 'day');
}
