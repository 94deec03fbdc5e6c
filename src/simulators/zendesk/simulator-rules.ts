import { z } from 'zod';
import type { FieldValue, TicketStatus } from '../../integrations/zendesk/schemas';

/**
 * The business-rule subset the simulator understands: the trigger conditions and actions and
 * macro actions `zendesk setup` writes, plus a few neighbours. Anything else is refused with
 * 422 when the rule is created, so a setup change that writes a rule the simulator cannot
 * evaluate fails loudly in tests instead of silently never firing.
 */

const CUSTOM_FIELD = /^custom_fields_(\d+)$/;

const conditionSchema = z
  .object({ field: z.string(), operator: z.string(), value: z.unknown().optional() })
  .refine(
    (c) => {
      const operators: Record<string, readonly string[]> = {
        update_type: ['is'],
        ticket_form_id: ['is', 'is_not'],
        status: ['is', 'is_not', 'changed', 'not_changed', 'value', 'value_previous'],
        role: ['is', 'is_not'],
        current_tags: ['includes', 'not_includes'],
      };
      const allowed = CUSTOM_FIELD.test(c.field) ? ['is', 'is_not', 'changed', 'not_changed', 'value', 'value_previous', 'present', 'not_present'] : operators[c.field];
      return allowed?.includes(c.operator) ?? false;
    },
    { message: 'condition not supported by the simulator' },
  );

const webhookAction = z.object({ field: z.literal('notification_webhook'), value: z.tuple([z.string(), z.string()]) });
const tagAction = z.object({ field: z.literal('current_tags'), value: z.string() });
const setFieldAction = z.object({ field: z.templateLiteral(['custom_fields_', z.number().int()]), value: z.union([z.string(), z.number(), z.null()]) });
const statusAction = z.object({ field: z.literal('status'), value: z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed']) });
const commentAction = z.object({ field: z.enum(['comment_value', 'comment_value_html']), value: z.string() });
const commentModeAction = z.object({ field: z.literal('comment_mode_is_public'), value: z.union([z.boolean(), z.enum(['true', 'false'])]) });

export const triggerInputSchema = z.object({
  title: z.string().min(1),
  active: z.boolean().default(true),
  conditions: z.object({ all: z.array(conditionSchema).default([]), any: z.array(conditionSchema).default([]) }),
  actions: z.array(z.union([webhookAction, tagAction])).min(1),
});
export type TriggerInput = z.infer<typeof triggerInputSchema>;
export type Condition = z.infer<typeof conditionSchema>;

export const macroInputSchema = z.object({
  title: z.string().min(1),
  active: z.boolean().default(true),
  actions: z.array(z.union([setFieldAction, statusAction, commentAction, commentModeAction])).min(1),
});
export type MacroInput = z.infer<typeof macroInputSchema>;

export interface TicketState {
  id: number;
  status: TicketStatus;
  ticket_form_id: number | null;
  tags: string[];
  custom_fields: Map<number, FieldValue>;
}

export interface RuleContext {
  type: 'Create' | 'Change';
  previous?: TicketState;
  current: TicketState;
  actor: { id: number; email: string; role: 'end-user' | 'agent' | 'admin' };
}

const same = (a: unknown, b: unknown) => String(a ?? '') === String(b ?? '');

function conditionHolds(c: Condition, ctx: RuleContext): boolean {
  const { current, previous } = ctx;
  const customId = CUSTOM_FIELD.exec(c.field)?.[1];
  const read = (state: TicketState | undefined) =>
    customId ? (state?.custom_fields.get(Number(customId)) ?? null) : c.field === 'status' ? state?.status : undefined;
  switch (c.field) {
    case 'update_type':
      return same(ctx.type, c.value);
    case 'ticket_form_id':
      return same(current.ticket_form_id, c.value) === (c.operator === 'is');
    case 'role': {
      const role = ctx.actor.role === 'end-user' ? 'end_user' : ctx.actor.role;
      return same(role, c.value) === (c.operator === 'is');
    }
    case 'current_tags':
      return current.tags.includes(String(c.value)) === (c.operator === 'includes');
  }
  const now = read(current);
  const before = ctx.type === 'Create' ? null : read(previous);
  switch (c.operator) {
    case 'is':
      return same(now, c.value);
    case 'is_not':
      return !same(now, c.value);
    case 'changed':
      return ctx.type === 'Change' && !same(now, before);
    case 'not_changed':
      return ctx.type === 'Change' && same(now, before);
    case 'value':
      return !same(now, before) && same(now, c.value);
    case 'value_previous':
      return ctx.type === 'Change' && !same(now, before) && same(before, c.value);
    case 'present':
      return !same(now, '');
    case 'not_present':
      return same(now, '');
    default:
      return false;
  }
}

export function triggerFires(trigger: TriggerInput, ctx: RuleContext): boolean {
  const { all, any } = trigger.conditions;
  return all.every((c) => conditionHolds(c, ctx)) && (any.length === 0 || any.some((c) => conditionHolds(c, ctx)));
}

/** Fills `{{ticket.id}}`-style placeholders. Zendesk pastes values in raw, without JSON escaping. */
export function renderPlaceholders(template: string, ctx: RuleContext): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => {
    const field = /^ticket\.ticket_field_(\d+)$/.exec(name)?.[1];
    if (field) return String(ctx.current.custom_fields.get(Number(field)) ?? '');
    const values: Record<string, unknown> = {
      'ticket.id': ctx.current.id,
      'ticket.status': ctx.current.status,
      'ticket.ticket_form_id': ctx.current.ticket_form_id,
      'current_user.id': ctx.actor.id,
      'current_user.email': ctx.actor.email,
    };
    return String(values[name] ?? '');
  });
}

export interface MacroEffect {
  status?: TicketStatus;
  customFields: Array<{ id: number; value: FieldValue }>;
  comment?: { html: string; public: boolean };
}

/** What applying a macro puts in the agent's ticket view, before they submit it. */
export function macroEffect(macro: MacroInput): MacroEffect {
  const effect: MacroEffect = { customFields: [] };
  let publicComment = true;
  let html: string | undefined;
  for (const action of macro.actions) {
    if (action.field === 'status') effect.status = action.value;
    else if (action.field === 'comment_value' || action.field === 'comment_value_html') html = action.value;
    else if (action.field === 'comment_mode_is_public') publicComment = String(action.value) === 'true';
    else effect.customFields.push({ id: Number(CUSTOM_FIELD.exec(action.field)?.[1]), value: action.value });
  }
  if (html !== undefined) effect.comment = { html, public: publicComment };
  return effect;
}
