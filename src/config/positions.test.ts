import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { formatPath, Locator } from './positions.js';

const TEXT = `project: shop
base: &base
  start: node server.js
environments:
  staging:
    requires: [a, b]
    local:
      <<: *base
      port: 3000
  production:
    pipeline:
      - deploy:
      - run: npm test
`;

/** A locator over TEXT. */
function locator(): Locator {
  const lines = new LineCounter();
  return new Locator(parseDocument(TEXT, { lineCounter: lines, merge: true }), lines);
}

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['project'], 'project'],
    [['environments', 'production', 'requires', 0], 'environments.production.requires[0]'],
    [['headers', 'X-Api-Key'], 'headers.X-Api-Key'],
    [['expect', 'json', '$.status'], 'expect.json["$.status"]'],
    [['pipeline', 1, 'when', 'env', 0], 'pipeline[1].when.env[0]'],
  ])('%j → %s', (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});

describe('Locator', () => {
  it.each([
    [['project'], 'value', { line: 1, col: 10 }],
    [['project'], 'key', { line: 1, col: 1 }],
    [['environments', 'staging', 'requires', 1], 'value', { line: 6, col: 19 }],
    [['environments', 'staging', 'local', 'port'], 'key', { line: 9, col: 7 }],
    [['environments', 'staging', 'local', 'start'], 'value', { line: 3, col: 10 }],
    [['environments', 'production', 'pipeline', 0, 'deploy'], 'value', { line: 12, col: 9 }],
    [['environments', 'production', 'pipeline', 1], 'value', { line: 13, col: 9 }],
    [['environments', 'production', 'target'], 'value', { line: 10, col: 3 }],
    [['environments', 'qa', 'target', 'local'], 'value', { line: 4, col: 1 }],
  ] as const)('%j (%s)', (path, at, expected) => {
    expect(locator().locate(path, at)).toEqual(expected);
  });

  it('finds the path of the key at an offset', () => {
    const offset = TEXT.indexOf('port: 3000');
    expect(locator().keyPathAt(offset)).toEqual(['environments', 'staging', 'local', 'port']);
    expect(locator().keyPathAt(TEXT.indexOf('production'))).toEqual(['environments', 'production']);
    expect(locator().keyPathAt(3)).toBeUndefined();
  });
});
