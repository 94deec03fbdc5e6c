import { REQUEST_STATUS_LABELS, STEP_STATUS_LABELS, tone } from './format';
import type { CourseRequest, Step } from './schemas';

export function RequestStatusBadge({ status }: { status: CourseRequest['status'] }) {
  return <span class={`badge badge--${tone(status)}`}>{REQUEST_STATUS_LABELS[status]}</span>;
}

export function StepStatusBadge({ status }: { status: Step['status'] }) {
  return <span class={`badge badge--${tone(status)}`}>{STEP_STATUS_LABELS[status]}</span>;
}
