import type { Service } from '../service';
import type { RequestDetail, Step } from '../schemas';
import { StepStatusBadge } from '../status-badge';
import type { ActionState } from '../use-action';
import { InstructionsView } from './instructions-view';
import { ManualStepForm } from './manual-step-form';

interface StepListProps {
  detail: RequestDetail;
  service: Service;
  action: ActionState;
  onChange(detail: RequestDetail): void;
}

function StepItem({ step, planned, props }: { step: Step; planned: boolean; props: StepListProps }) {
  const { service, action, onChange, detail } = props;
  const id = detail.request.id;
  const waiting = !planned && step.status === 'waiting';
  const attempts = step.attempts ?? 0;
  return (
    <li class={`step step--${step.status}`} data-step={step.key} data-status={step.status}>
      <div class="step__head">
        <span class="step__title">{step.title}</span>
        <StepStatusBadge status={step.status} />
      </div>
      <p class="step__meta">
        {step.kind === 'auto' ? 'Automatic' : 'Manual'}
        {attempts > 1 && ` · ${attempts} attempts`}
        {step.completedBy && ` · by ${step.completedBy}`}
      </p>
      {step.status === 'failed' && step.error && <p class="step__error">{step.error}</p>}
      {step.note && <p class="step__note">{step.note}</p>}
      {step.instructions &&
        (waiting ? (
          <InstructionsView instructions={step.instructions} />
        ) : (
          <details class="step__details">
            <summary>Instructions</summary>
            <InstructionsView instructions={step.instructions} />
          </details>
        ))}
      {!planned && step.status === 'failed' && (
        <div class="buttons">
          <button type="button" class="button button--primary" disabled={!!action.busy} onClick={() => void action.run(`retry:${step.key}`, async () => onChange(await service.retry(id, step.key)))}>
            {action.busy === `retry:${step.key}` ? 'Retrying…' : 'Retry step'}
          </button>
        </div>
      )}
      {(waiting || (!planned && step.status === 'failed')) && (
        <ManualStepForm
          step={step}
          action={action}
          byHand={step.status === 'failed' && step.kind === 'auto'}
          onComplete={async (note) => onChange(await service.complete(id, step.key, note))}
          onSkip={async (note) => onChange(await service.skip(id, step.key, note))}
        />
      )}
    </li>
  );
}

export function StepList(props: StepListProps) {
  const { detail } = props;
  return (
    <section aria-labelledby="steps-heading">
      <h2 id="steps-heading" class="section-title">
        {detail.planned ? 'Plan (runs after approval)' : 'Steps'}
      </h2>
      {detail.steps.length === 0 ? (
        <p class="muted">No steps.</p>
      ) : (
        <ol class="steps">
          {detail.steps.map((step) => (
            <StepItem key={step.key} step={step} planned={detail.planned} props={props} />
          ))}
        </ol>
      )}
    </section>
  );
}
