// Field errors: one message per kind of violation, at the field's path.
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { fieldErrors } from '../../src/validation/index.js';

const Thing = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 3 }),
    tags: Type.Array(Type.String(), { minItems: 2, maxItems: 3, uniqueItems: true }),
    on: Type.Boolean(),
    list: Type.Array(Type.Number()),
    inner: Type.Object({ x: Type.Number() }),
    code: Type.String({ minLength: 4 }),
  },
  { additionalProperties: false },
);

const messages = (value: unknown) => fieldErrors(Thing, value).map((e) => `${e.path}: ${e.message}`);

describe('fieldErrors', () => {
  it('names what is wrong with each field', () => {
    expect(messages({ name: 7, tags: ['a', 'a'], on: 'yes', list: {}, inner: [], code: 'abcd' }).sort()).toEqual(
      [
        'name: must be a string',
        'tags: must not repeat an item',
        'on: must be true or false',
        'list: must be an array',
        'inner: must be an object',
      ].sort(),
    );
  });

  it('states count bounds in items or characters, and a bound of one as not empty', () => {
    expect(messages({ name: '', tags: ['a'], on: true, list: [], inner: { x: 1 }, code: 'ab' }).sort()).toEqual(
      ['name: must not be empty', 'tags: must have at least 2 items', 'code: must have at least 4 characters'].sort(),
    );
    expect(
      messages({ name: 'abcd', tags: ['a', 'b', 'c', 'd'], on: true, list: [], inner: { x: 1 }, code: 'abcd' }).sort(),
    ).toEqual(['name: must have at most 3 characters', 'tags: must have at most 3 items'].sort());
  });

  it('reports a missing field once, as required', () => {
    expect(messages({ tags: ['a', 'b'], on: true, list: [], inner: { x: 1 }, code: 'abcd' })).toEqual([
      'name: is required',
    ]);
  });
});
