import { z } from 'zod';
import { defineRoute } from '../http/route.ts';
import { Project, ProjectCreate, ProjectListQuery, ProjectPatch } from '../../common/contract/projects.ts';
import { createProject, getProject, listProjects, updateProject } from '../domain/projects/projects.service.ts';

const tag = 'Projects';

// No DELETE: a project is archived (`active: false`) instead, so its tickets keep their queue.
export const projectRoutes = [
  defineRoute({
    method: 'GET',
    path: '/projects',
    tag,
    summary: 'List projects (queues)',
    description: 'Any valid key may read projects. Archived projects are listed too (`active=false`).',
    scope: 'any',
    query: ProjectListQuery,
    response: z.array(Project),
    list: true,
    handler: ({ ctx, query }) => listProjects(ctx, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/projects/:id',
    tag,
    summary: 'Get a project',
    scope: 'any',
    response: Project,
    handler: async ({ ctx, params }) => ({ data: await getProject(ctx, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/projects',
    tag,
    summary: 'Create a project',
    description:
      'Without `slug`, one is derived from the name: accents dropped, lower-cased, every run of ' +
      'other characters turned into one hyphen ("Billing & Refunds!" → `billing-refunds`). A ' +
      'taken slug, given or derived, is a 409; pass another `slug` to resolve a derived clash.',
    scope: 'admin',
    body: ProjectCreate,
    status: 201,
    response: Project,
    errors: ['CONFLICT'],
    handler: async ({ ctx, body }) => ({
      data: await createProject(ctx, body),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/projects/:id',
    tag,
    summary: 'Rename, re-slug, archive or restore a project',
    description:
      'Only the given fields change; renaming keeps the slug. `active: false` archives the ' +
      'project: its tickets stay in it, but new tickets cannot be filed under it (400).',
    scope: 'admin',
    body: ProjectPatch,
    response: Project,
    errors: ['CONFLICT'],
    handler: async ({ ctx, params, body }) => ({
      data: await updateProject(ctx, params.id, body),
    }),
  }),
];
