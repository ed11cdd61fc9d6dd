import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import {
  Contact,
  ContactCreate,
  ContactListQuery,
  ContactPatch,
  ContactWithActivity,
} from '../../common/contract/contacts.ts';
import {
  createContact,
  deleteContact,
  getContactWithActivity,
  listContacts,
  updateContact,
} from '../domain/contacts/contacts.service.ts';

const tag = 'Contacts';

export const contactRoutes = [
  defineRoute({
    method: 'GET',
    path: '/contacts',
    tag,
    summary: 'List contacts',
    description:
      '`healthTier` is computed at read time, so the filter and the value shown always agree. ' +
      '`sortBy=name` ignores case; ties in any sort are broken by id in the same direction.',
    scope: 'contacts:read',
    query: ContactListQuery,
    response: z.array(Contact),
    list: true,
    handler: ({ ctx, query }) => listContacts(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/contacts/:id',
    tag,
    summary: 'Get a contact with its recent tickets and conversations',
    scope: 'contacts:read',
    response: ContactWithActivity,
    handler: async ({ ctx, params }) => ({
      data: await getContactWithActivity(ctx, params.id),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/contacts',
    tag,
    summary: 'Create a contact',
    description:
      'The email is stored lower-case and is unique regardless of case: a duplicate is a 409 ' +
      'whose `details.contactId` names the existing contact.',
    scope: 'contacts:write',
    body: ContactCreate,
    status: 201,
    response: Contact,
    errors: ['CONFLICT'],
    handler: async ({ ctx, body }) => ({
      data: await createContact(ctx, body),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/contacts/:id',
    tag,
    summary: 'Change a contact',
    description:
      'Only the given fields change; `name` and `company` may be set to null. An email that ' +
      'another contact has is a 409.',
    scope: 'contacts:write',
    body: ContactPatch,
    response: Contact,
    errors: ['CONFLICT'],
    handler: async ({ ctx, params, body }) => ({
      data: await updateContact(ctx, params.id, body),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/contacts/:id',
    tag,
    summary: 'Delete a contact',
    description:
      'Only a contact that no ticket or conversation references can be deleted; otherwise a 409 ' +
      'whose `details` give the counts (`{ tickets, conversations }`).',
    scope: 'admin',
    status: 204,
    errors: ['CONFLICT'],
    handler: async ({ ctx, params }) => {
      await deleteContact(ctx, params.id);
      return { data: null };
    },
  }),
];
