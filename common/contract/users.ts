import { z } from 'zod';
import { Email, Timestamp, enumFilter, listQuery, text } from './base.ts';

export const roles = ['admin', 'agent'] as const;
export const Role = z.enum(roles);

export const User = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role: Role,
    active: z.boolean().meta({ description: 'false: deactivated; its keys no longer authenticate' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'User' });

/** `true` or `false` in a query string (anything else is a 400, not a silent default). */
const booleanFilter = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true');

export const UserListQuery = listQuery(['createdAt', 'name'], {
  role: enumFilter(roles).optional(),
  active: booleanFilter.optional().meta({ description: 'true: active users; false: deactivated' }),
});

export const UserCreate = z.strictObject({
  name: text(200),
  email: Email.meta({ description: 'Unique, compared case-insensitively (stored lower-case)' }),
  role: Role.default('agent'),
});

export const UserPatch = z
  .strictObject({
    name: text(200).optional(),
    email: Email.optional(),
    role: Role.optional(),
    active: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, {
    message: 'give at least one field to change',
  });

/** What anyone may change about themselves. */
export const OwnProfilePatch = z.strictObject({
  name: text(200),
});

export type UserT = z.output<typeof User>;
export type UserCreateInput = z.output<typeof UserCreate>;
export type UserPatchInput = z.output<typeof UserPatch>;
export type UserListParams = z.output<typeof UserListQuery>;
