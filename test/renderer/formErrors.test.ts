import { describe, expect, it } from 'vitest';
import { ApiError } from '../../renderer/src/api/client.ts';
import { fieldForPath, formErrorsOf, mapProblems, messageOf } from '../../renderer/src/components/formErrors.ts';

const badRequest = (errors: { path: string; message: string }[]) =>
  new ApiError(400, 'BAD_REQUEST', `invalid body: ${errors.map((e) => e.message).join('; ')}`, { errors });

describe('fieldForPath', () => {
  it('picks the longest field that prefixes the path', () => {
    expect(fieldForPath('actions.addTags.0', ['actions', 'actions.addTags'])).toBe('actions.addTags');
    expect(fieldForPath('actions.color', ['actions', 'actions.addTags'])).toBe('actions');
    expect(fieldForPath('name', ['name', 'email'])).toBe('name');
  });

  it('does not match a field that is only a string prefix', () => {
    expect(fieldForPath('namespace', ['name'])).toBeNull();
    expect(fieldForPath('', ['name'])).toBeNull();
  });
});

describe('mapProblems', () => {
  it('puts the first message per field next to it and the rest in a general line', () => {
    const mapped = mapProblems(
      [
        { path: 'name', message: 'must not be empty' },
        { path: 'name', message: 'too long' },
        { path: 'scopes.0', message: 'invalid option' },
        { path: 'owner', message: 'unknown field' },
      ],
      ['name', 'scopes'] as const,
    );
    expect(mapped.fields).toEqual({ name: 'must not be empty', scopes: 'invalid option' });
    expect(mapped.general).toBe('owner: unknown field');
  });

  it('has no general line when everything was placed', () => {
    expect(mapProblems([{ path: 'url', message: 'bad' }], ['url']).general).toBeNull();
  });
});

describe('formErrorsOf', () => {
  it('spreads a 400 over the form', () => {
    const err = badRequest([
      { path: 'firstResponseMinutes', message: 'must not be greater than resolutionMinutes' },
      { path: 'resolutionMinutes', message: 'Too small' },
    ]);
    expect(formErrorsOf(err, ['firstResponseMinutes', 'resolutionMinutes'] as const)).toEqual({
      fields: { firstResponseMinutes: 'must not be greater than resolutionMinutes', resolutionMinutes: 'Too small' },
      general: null,
    });
  });

  it('puts a 409 that names its field next to that field', () => {
    const err = new ApiError(409, 'CONFLICT', 'a user with email a@b.c already exists', { field: 'email', userId: 'usr_1' });
    expect(formErrorsOf(err, ['name', 'email'] as const)).toEqual({ fields: { email: 'a user with email a@b.c already exists' }, general: null });
  });

  it('shows a 403 (or any other failure) as a general message, in the API’s words', () => {
    const forbidden = new ApiError(403, 'FORBIDDEN', 'this API key lacks the admin scope', { required: 'admin', granted: [] });
    expect(formErrorsOf(forbidden, ['name'])).toEqual({ fields: {}, general: 'this API key lacks the admin scope' });
    expect(formErrorsOf(new Error('boom'), ['name'])).toEqual({ fields: {}, general: 'boom' });
    expect(formErrorsOf('??', ['name']).general).toBe('Something went wrong.');
  });
});

describe('messageOf', () => {
  it('prefers the field problems of a 400 over its summary', () => {
    expect(messageOf(badRequest([{ path: 'name', message: 'must not be empty' }]))).toBe('name: must not be empty');
    expect(messageOf(new ApiError(409, 'CONFLICT', 'already a ticket'))).toBe('already a ticket');
    expect(messageOf(null)).toBe('Something went wrong.');
  });
});
