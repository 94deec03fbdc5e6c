import { z } from 'zod';

/**
 * Ticket form conditions as the Zendesk simulator checks them: which fields a form shows, and
 * requires, for a value of another field. Shapes from
 * https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_forms/ (agent_conditions,
 * end_user_conditions; child_fields with is_required, agents' required_on_statuses). Rules the
 * docs do not state are marked (unconfirmed) and listed in docs/real-systems.md: they are
 * stricter than Zendesk may be, never kinder.
 */

// ticket_forms: required_on_statuses.type is NO_STATUSES, ALL_STATUSES or SOME_STATUSES; only SOME_STATUSES lists statuses
const requiredOnStatuses = z.discriminatedUnion('type', [
  z.object({ type: z.literal('NO_STATUSES'), statuses: z.null().optional() }),
  z.object({ type: z.literal('ALL_STATUSES'), statuses: z.null().optional() }),
  z.object({ type: z.literal('SOME_STATUSES'), statuses: z.array(z.enum(['new', 'open', 'pending', 'hold', 'solved'])).min(1) }),
]);

const condition = <C extends z.ZodType>(child: C) =>
  z.object({
    parent_field_id: z.number().int(),
    // ticket_forms: the parent's value that shows the children (a drop-down's tag, a checkbox's true/false)
    value: z.union([z.string().min(1), z.boolean()]),
    child_fields: z.array(child).min(1),
  });

// ticket_forms: agent children say on which statuses they are required; end-user children only whether (strict: no agent keys)
export const agentConditionSchema = condition(z.object({ id: z.number().int(), is_required: z.boolean(), required_on_statuses: requiredOnStatuses }));
export const endUserConditionSchema = condition(z.strictObject({ id: z.number().int(), is_required: z.boolean() }));
export type AgentCondition = z.infer<typeof agentConditionSchema>;
export type EndUserCondition = z.infer<typeof endUserConditionSchema>;

export interface ConditionField {
  id: number;
  type: string;
  visible_in_portal: boolean;
  editable_in_portal: boolean;
  custom_field_options?: Array<{ value: string }>;
}

/** Parent types a condition can test (unconfirmed: Zendesk's admin UI offers drop-down, multi-select and checkbox fields). */
const PARENT_TYPES = ['tagger', 'multiselect', 'checkbox'];

/**
 * What is wrong with a form's conditions against the account's fields; empty when nothing.
 * (unconfirmed) Zendesk refuses conditions on fields outside the form, on a value the parent
 * cannot hold, a field that is its own condition, and end-user conditions on fields end users
 * cannot see and edit.
 */
export function conditionProblems(
  form: { ticket_field_ids: number[]; agent_conditions: AgentCondition[]; end_user_conditions: EndUserCondition[] },
  fieldById: (id: number) => ConditionField | undefined,
): Array<{ path: (string | number)[]; message: string }> {
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  const onForm = new Set(form.ticket_field_ids);
  const check = (set: 'agent_conditions' | 'end_user_conditions', list: Array<AgentCondition | EndUserCondition>) =>
    list.forEach((c, i) => {
      const at = (...rest: (string | number)[]) => [set, i, ...rest];
      const parent = fieldById(c.parent_field_id);
      if (!parent || !onForm.has(c.parent_field_id)) problems.push({ path: at('parent_field_id'), message: `field ${c.parent_field_id} is not on this form` });
      else if (!PARENT_TYPES.includes(parent.type)) problems.push({ path: at('parent_field_id'), message: `a ${parent.type} field cannot be a condition's parent` });
      else if (parent.type === 'checkbox' ? typeof c.value !== 'boolean' : !parent.custom_field_options?.some((o) => o.value === c.value)) {
        problems.push({ path: at('value'), message: `${JSON.stringify(c.value)} is not a value of field ${c.parent_field_id}` });
      }
      c.child_fields.forEach((child, j) => {
        const field = fieldById(child.id);
        if (!field || !onForm.has(child.id)) problems.push({ path: at('child_fields', j, 'id'), message: `field ${child.id} is not on this form` });
        else if (child.id === c.parent_field_id) problems.push({ path: at('child_fields', j, 'id'), message: 'a field cannot be its own condition' });
        else if (set === 'end_user_conditions' && !(field.visible_in_portal && field.editable_in_portal)) {
          problems.push({ path: at('child_fields', j, 'id'), message: `field ${child.id} is not visible and editable for end users` });
        }
      });
    });
  check('agent_conditions', form.agent_conditions);
  check('end_user_conditions', form.end_user_conditions);
  return problems;
}
