import type { CourseRequest, Step } from './schemas';

export const REQUEST_TYPE_LABELS: Record<CourseRequest['type'], string> = { new: 'New course', publish: 'Publish', rerun: 'Rerun' };

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

const dateTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
export const formatTime = (iso: string) => dateTime.format(new Date(iso));

/** "approved" -> "Approved", "step_completed" -> "Step completed". */
export const actionLabel = (action: string) => action.charAt(0).toUpperCase() + action.slice(1).replace(/_/g, ' ');
