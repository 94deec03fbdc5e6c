import type { EngineHooks } from '../engine/types';
import { commentMarker } from '../integrations/zendesk/marker';
import type { TicketDesk } from './desk';
import { stepDoneNote, stepFailedNote, stepWaitingNote } from './messages';

/**
 * The ticket story told by the engine: an internal note per finished automatic step, the
 * instructions when a manual step starts waiting, the error when a step fails. Markers make
 * a resumed step post nothing twice (a failure's marker carries the attempt, so a failure
 * after a Retry is told again).
 */
export function storyHooks(desk: TicketDesk | undefined): Pick<EngineHooks, 'stepDone' | 'stepWaiting' | 'stepFailed'> {
  if (!desk) return {};
  return {
    async stepDone(ctx, result) {
      const ticketId = ctx.request.ticketId;
      if (ticketId === null || result.silent === true) return;
      await desk.post(ticketId, { html: stepDoneNote(ctx.step.title, result), public: false, marker: commentMarker(ctx.request.id, `done.${ctx.step.key}`), status: 'open' });
    },
    async stepWaiting(ctx, instructions) {
      const ticketId = ctx.request.ticketId;
      if (ticketId === null) return;
      await desk.post(ticketId, { html: stepWaitingNote(ctx.step.title, instructions), public: false, marker: commentMarker(ctx.request.id, `wait.${ctx.step.key}`), status: 'open' });
    },
    async stepFailed(ctx, error) {
      const ticketId = ctx.request.ticketId;
      if (ticketId === null) return;
      const marker = commentMarker(ctx.request.id, `fail.${ctx.step.key}.${ctx.step.startedAt ?? 0}.${ctx.step.attempts}`);
      await desk.post(ticketId, { html: stepFailedNote(ctx.step.title, error), public: false, marker, status: 'open' });
    },
  };
}
