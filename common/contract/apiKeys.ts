import { z } from 'zod';
import { scopes } from '../rules/scopes.ts';
import { Timestamp, listQuery, text } from './base.ts';

export const ScopeSchema = z.enum(scopes);

export const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the key, to recognise it' }),
    scopes: z.array(ScopeSchema),
    userId: z.string(),
    rateLimitPerMinute: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Requests per minute; null follows the server-wide default' }),
    lastUsedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const ApiKeyWithSecret = ApiKey.extend({
  key: z.string().meta({ description: 'The secret: shown in this response only, never again' }),
}).meta({ id: 'ApiKeyWithSecret' });

export const ApiKeyCreate = z.strictObject({
  name: text(100),
  scopes: z
    .array(ScopeSchema)
    .min(1)
    .refine((list) => new Set(list).size === list.length, 'scopes must not repeat'),
  userId: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: "The key's user; defaults to the caller's user" }),
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional(),
});

export const ApiKeyListQuery = listQuery(['createdAt'], {
  revoked: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .meta({ description: 'true: only revoked keys; false: only live keys' }),
  userId: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: "Only this user's keys (a key without `admin` sees only its own user's)" }),
});

export type ApiKeyT = z.output<typeof ApiKey>;
export type ApiKeyCreateInput = z.output<typeof ApiKeyCreate>;
export type ApiKeyListParams = z.output<typeof ApiKeyListQuery>;
