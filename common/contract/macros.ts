import { z } from 'zod';
import { idPattern } from '../rules/ids.ts';
import { SearchText, Timestamp, listQuery, text } from './base.ts';
import { AttachmentIds } from './attachments.ts';
import { Priority, TagName, TicketStatus } from './tickets.ts';

// A pattern rather than a refinement, so the OpenAPI document shows it too.
const userIdOrMe = new RegExp(`^(?:me|${idPattern('user').source.slice(1, -1)})$`);

const AssignTo = z
  .string()
  .trim()
  .regex(userIdOrMe, 'must be a usr_ id or "me"')
  .meta({
    description: 'A usr_ id of an active user, or `me`: the agent whose key applies the macro',
    example: 'me',
  });

export const MacroActions = z
  .strictObject({
    status: TicketStatus.optional(),
    priority: Priority.optional(),
    addTags: z
      .array(TagName)
      .max(50)
      .optional()
      .meta({ description: 'Tag names added to the ticket (unknown names are created)' }),
    assignTo: AssignTo.optional(),
  })
  .meta({
    id: 'MacroActions',
    description: 'Changes made to the ticket after the reply is posted; every field is optional',
  });

const MacroBody = text(20_000).meta({
  description:
    'Reply text. `{{contact.name}}` (the email when the contact has no name), `{{ticket.id}}` ' +
    'and `{{agent.name}}` (the user of the key applying it) are filled in; spaces inside the ' +
    'braces are allowed; any other placeholder is left as written.',
  example: 'Hi {{contact.name}}, thanks for reporting {{ticket.id}}. — {{agent.name}}',
});

export const Macro = z
  .object({
    id: z.string(),
    name: z.string(),
    body: z.string(),
    actions: MacroActions,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Macro' });

export const MacroListQuery = listQuery(['createdAt', 'name'], {
  search: SearchText.optional().meta({
    description: 'Case-insensitive substring of the name; `%`, `_` and `\\` match themselves',
  }),
});

export const MacroCreate = z.strictObject({
  name: text(100),
  body: MacroBody,
  actions: MacroActions.default({}),
});

export const MacroPatch = z
  .strictObject({
    name: text(100).optional(),
    body: MacroBody.optional(),
    actions: MacroActions.optional().meta({ description: 'Replaces the whole actions object' }),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one field to change',
  });

export const ApplyMacro = z.strictObject({
  macroId: z.string().trim().min(1).meta({ description: 'A mac_ id', example: 'mac_01JQ...' }),
  body: text(100_000)
    .optional()
    .meta({ description: 'The reply as the agent edited it; without it, the macro body with its placeholders filled in' }),
  attachments: AttachmentIds.optional().meta({ description: 'Files on the reply (see Message)' }),
});

export type MacroT = z.output<typeof Macro>;
export type MacroActionsT = z.output<typeof MacroActions>;
export type MacroCreateInput = z.output<typeof MacroCreate>;
export type MacroPatchInput = z.output<typeof MacroPatch>;
export type MacroListParams = z.output<typeof MacroListQuery>;
export type ApplyMacroInput = z.output<typeof ApplyMacro>;
