import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import { Tag, TagCreate, TagListQuery, TagPatch } from '../../common/contract/tags.ts';
import { createTag, deleteTag, getTag, listTags, updateTag } from '../domain/tags/tags.service.ts';

const tag = 'Tags';

export const tagRoutes = [
  defineRoute({
    method: 'GET',
    path: '/tags',
    tag,
    summary: 'List tags with how many tickets carry each',
    description: 'Any valid key may read tags. `search` matches part of the name in any case.',
    scope: 'any',
    query: TagListQuery,
    response: z.array(Tag),
    list: true,
    handler: ({ ctx, query }) => listTags(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/tags/:id',
    tag,
    summary: 'Get a tag',
    scope: 'any',
    response: Tag,
    handler: async ({ ctx, params }) => ({ data: await getTag(ctx, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tags',
    tag,
    summary: 'Create a tag',
    description:
      'Names are trimmed and lower-cased, so `VIP` and `vip` are the same tag: a taken name is a ' +
      '409. Tagging a ticket with an unknown name also creates the tag (without a colour).',
    scope: 'admin',
    body: TagCreate,
    status: 201,
    response: Tag,
    errors: ['CONFLICT'],
    handler: async ({ ctx, body }) => ({
      data: await createTag(ctx, body),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/tags/:id',
    tag,
    summary: 'Rename or recolour a tag',
    description:
      'Only the given fields change. A rename shows on every ticket carrying the tag; renaming ' +
      "onto another tag's name is a 409 (tags are not merged silently).",
    scope: 'admin',
    body: TagPatch,
    response: Tag,
    errors: ['CONFLICT'],
    handler: async ({ ctx, params, body }) => ({
      data: await updateTag(ctx, params.id, body),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tags/:id',
    tag,
    summary: 'Delete a tag',
    description: 'Takes the tag off every ticket carrying it; the tickets themselves stay.',
    scope: 'admin',
    status: 204,
    handler: async ({ ctx, params }) => {
      await deleteTag(ctx, params.id);
      return { data: null };
    },
  }),
];
