import { fieldLabel } from '../../../src/courses/request-fields';
import { formatDay, formatTime, REQUEST_TYPE_LABELS } from '../format';
import type { CourseRequest } from '../schemas';
import { RequestStatusBadge } from '../status-badge';

function Row({ label, value }: { label: string; value: string | null | undefined }) {
  if (!value) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

export function RequestSummary({ request }: { request: CourseRequest }) {
  const term = request.type === 'rerun' && request.newTerm ? `${request.term ?? '?'} → ${request.newTerm}` : request.term;
  return (
    <header class="summary">
      <p class="summary__type">
        {REQUEST_TYPE_LABELS[request.type]}
        {request.kind && ` · ${request.kind === 'xml' ? 'XML' : 'Studio'}`}
      </p>
      <h1 class="summary__title">
        {request.courseNumber ?? 'Course request'}
        {request.courseTitle && <span class="summary__subtitle"> {request.courseTitle}</span>}
      </h1>
      <p class="summary__status">
        <RequestStatusBadge status={request.status} />
        {request.overdue && <span class="badge badge--bad">Overdue</span>}
      </p>
      <dl class="facts">
        <Row label="Term" value={term} />
        <Row label="Course key" value={request.courseKey} />
        <Row label="Repository" value={request.repo} />
        <Row label="Adds" value={request.teamChange?.add.join(', ')} />
        <Row label="Removes" value={request.teamChange?.remove.join(', ')} />
        <Row label="Requester" value={request.requester} />
        <Row label="Wanted by" value={request.desiredCompletion && formatDay(request.desiredCompletion)} />
        <Row label="Starts" value={request.startAt && formatTime(request.startAt)} />
        <Row label={request.decision === 'rejected' ? 'Rejected by' : 'Approved by'} value={request.decidedBy} />
        <Row label="Reason" value={request.reason} />
      </dl>
      {request.problems.length > 0 && (
        <div class="problems" role="status">
          <h2 class="section-title">Fix before approval</h2>
          <ul>
            {request.problems.map((p) => (
              <li key={`${p.field}:${p.message}`}>
                <strong>{fieldLabel(p.field)}</strong> {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </header>
  );
}
