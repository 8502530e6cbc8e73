import { describe, expect, it } from 'vitest';
import { jsonEqual, lookupJsonPath, parseJsonPath } from './json-path.js';

describe('parseJsonPath', () => {
  it.each([
    ['$', []],
    ['$.status', ['status']],
    ['$.a.b[0].c', ['a', 'b', 0, 'c']],
    ['$.items[-1]', ['items', -1]],
    ["$['key with spaces'].x", ['key with spaces', 'x']],
    ['$["quote\\"d"]', ['quote"d']],
    ['a.b', ['a', 'b']],
    ['[2].name', [2, 'name']],
    ['$.flags.new-checkout', ['flags', 'new-checkout']],
  ])('%s', (path, segments) => {
    expect(parseJsonPath(path)).toEqual(segments);
  });

  it.each([
    ['$.', 'invalid JSON path "$." at character 2: expected a key after "."'],
    ['$.items[x]', 'invalid JSON path "$.items[x]" at character 8: expected [number] or ["key"]'],
    ['$x', 'invalid JSON path "$x" at character 2: unexpected "x"'],
    ['a..b', 'invalid JSON path "a..b" at character 2: expected a key after "."'],
    ['', 'invalid JSON path "" at character 1: empty path'],
  ])('rejects %j', (path, message) => {
    expect(() => parseJsonPath(path)).toThrow(`${message} (use e.g. $.a.b[0].c)`);
  });
});

describe('lookupJsonPath', () => {
  const doc = { status: 'ok', db: { up: true, latency: null }, items: [{ name: 'a' }, { name: 'b' }], '0': 'zero' };
  it.each([
    ['$.status', { found: true, value: 'ok' }],
    ['$.db.up', { found: true, value: true }],
    ['$.db.latency', { found: true, value: null }],
    ['$.items[1].name', { found: true, value: 'b' }],
    ['$.items[-1].name', { found: true, value: 'b' }],
    ['$.items.0.name', { found: true, value: 'a' }],
    ['$[0]', { found: true, value: 'zero' }],
    ['$', { found: true, value: doc }],
    ['$.items[2]', { found: false }],
    ['$.status.length', { found: false }],
    ['$.missing', { found: false }],
    ['$.toString', { found: false }],
  ])('%s', (path, result) => {
    expect(lookupJsonPath(doc, path)).toEqual(result);
  });
});

describe('jsonEqual', () => {
  it('compares JSON values deeply, ignoring key order', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual(false, false)).toBe(true);
  });
});
