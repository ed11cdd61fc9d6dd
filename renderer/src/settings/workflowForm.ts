// The workflow editor's form: rows as the agent types them, and the API body they become.
// Pure, so it is unit-tested.
import type { Workflow, WorkflowAction, WorkflowBody, WorkflowCondition, WorkflowConditionOp } from '../api/types.ts';

export const triggers = [
  'ticket.created',
  'ticket.updated',
  'ticket.merged',
  'message.created',
  'conversation.created',
  'conversation.updated',
  'contact.created',
  'contact.updated',
] as const;

/** Paths into the event data that conditions usually test. */
export const fieldSuggestions = [
  'ticket.status',
  'ticket.priority',
  'ticket.assignedTo',
  'ticket.projectId',
  'ticket.tags',
  'ticket.subject',
  'ticket.contactEmail',
  'changes',
  'message.body',
  'message.sender',
  'message.internal',
];

export const opLabels: Record<WorkflowConditionOp, string> = { eq: 'is', neq: 'is not', in: 'is one of', contains: 'contains' };

export const actionLabels: Record<WorkflowAction['type'], string> = {
  set_status: 'Set status',
  set_priority: 'Set priority',
  assign: 'Assign to',
  add_tag: 'Add tag',
  set_project: 'Move to project',
  apply_macro: 'Apply macro',
};

export interface ConditionRow {
  field: string;
  op: WorkflowConditionOp;
  /** As typed: `urgent`, `3`, `true`, or a comma list for "is one of". */
  value: string;
}

/** An action's value as the form holds it ('' stands for null where null is allowed). */
export interface ActionRow {
  type: WorkflowAction['type'];
  value: string;
}

export interface WorkflowForm {
  name: string;
  trigger: string;
  conditions: ConditionRow[];
  actions: ActionRow[];
  active: boolean;
}

/** What a condition compares with: any JSON value (conditions are stored as JSON). */
type JsonValue = NonNullable<unknown> | null;

/** A typed value: numbers, true/false/null and "quoted" text as JSON, anything else as text. */
export function parseValue(text: string): JsonValue {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t) || ['true', 'false', 'null'].includes(t) || /^".*"$/.test(t)) {
    try {
      return JSON.parse(t) as JsonValue;
    } catch {
      return t;
    }
  }
  return t;
}

export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (typeof value === 'string') return /^(-?\d+(\.\d+)?|true|false|null)$/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value ?? null);
}

export function toCondition(row: ConditionRow): WorkflowCondition {
  if (row.op === 'in') return { field: row.field.trim(), op: 'in', value: row.value.split(',').map((v) => parseValue(v)).filter((v) => v !== '') };
  if (row.op === 'contains') return { field: row.field.trim(), op: 'contains', value: row.value.trim() };
  return { field: row.field.trim(), op: row.op, value: parseValue(row.value) };
}

export function toAction(row: ActionRow): WorkflowAction {
  switch (row.type) {
    case 'assign':
    case 'set_project':
      return { type: row.type, value: row.value || null };
    default:
      return { type: row.type, value: row.value } as WorkflowAction;
  }
}

export function toBody(form: WorkflowForm): WorkflowBody {
  return {
    name: form.name,
    trigger: form.trigger.trim(),
    conditions: form.conditions.map(toCondition),
    actions: form.actions.map(toAction),
    active: form.active,
  };
}

/** The form for a saved workflow, or for a body (conditions and active may be left out). */
export function fromWorkflow(w: WorkflowBody | Workflow): WorkflowForm {
  return {
    name: w.name,
    trigger: w.trigger,
    conditions: (w.conditions ?? []).map((c) => ({ field: c.field, op: c.op, value: formatValue(c.value) })),
    actions: w.actions.map((a) => ({ type: a.type, value: a.value === null ? '' : String(a.value) })),
    active: w.active ?? true,
  };
}

export const emptyForm: WorkflowForm = {
  name: '',
  trigger: 'ticket.created',
  conditions: [{ field: 'ticket.priority', op: 'eq', value: 'urgent' }],
  actions: [{ type: 'add_tag', value: '' }],
  active: true,
};
