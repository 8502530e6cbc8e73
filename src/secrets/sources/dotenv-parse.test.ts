import { describe, expect, it } from 'vitest';
import { dotenvValues, formatDotenvLine, formatDotenvValue, parseDotenv } from './dotenv-parse.js';

const values = (text: string) => Object.fromEntries([...dotenvValues(parseDotenv(text))].map(([k, e]) => [k, e.value]));

describe('parseDotenv', () => {
  it.each([
    ['plain', 'A=one', { A: 'one' }],
    ['export prefix and spaces', 'export  B = two  ', { B: 'two' }],
    ['inline comment', 'C=three # note', { C: 'three' }],
    ['hash inside a value', 'D=a#b', { D: 'a#b' }],
    ['empty value', 'E=', { E: '' }],
    ['single quotes are literal', "F='x\\ny $HOME'", { F: 'x\\ny $HOME' }],
    ['double quotes resolve escapes', 'G="line1\\nline2\\t\\"q\\" \\\\"', { G: 'line1\nline2\t"q" \\' }],
    ['backticks', 'H=`it\'s "fine"`', { H: 'it\'s "fine"' }],
    ['multi-line in quotes', 'K="-----BEGIN KEY-----\nabc\n-----END KEY-----"\nL=after', { K: '-----BEGIN KEY-----\nabc\n-----END KEY-----', L: 'after' }],
    ['later assignment wins', 'M=1\nM=2', { M: '2' }],
    ['comments, blank lines, CRLF and BOM', '\uFEFF# vault\r\n\r\nN=x\r\n', { N: 'x' }],
    ['equals in value', 'P=postgres://u:p@h/db?sslmode=require', { P: 'postgres://u:p@h/db?sslmode=require' }],
  ])('%s', (_, text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it('reports bad lines by number, never their content', () => {
    const doc = parseDotenv('A=1\nthis is not an assignment s3cr3t\n9BAD=x\nQ="open');
    expect(doc.problems).toEqual(['line 2: expected NAME=value', 'line 3: "9BAD" is not a variable name', 'line 4: Q has an unclosed " quote']);
    expect(doc.problems.join(' ')).not.toContain('s3cr3t');
    expect(doc.entries.map((e) => [e.name, e.line])).toEqual([['A', 1]]);
  });
});

describe('formatDotenvValue', () => {
  it.each(['simple-Value_1.2:3@4/5', 'has space', 'quote " and \\ backslash', 'multi\nline\r\nvalue', '$HOME and #hash', "it's", '', 'tab\there', 'é ünïcode'])(
    'round-trips %j',
    (value) => {
      expect(values(formatDotenvLine('X', value))).toEqual({ X: value });
    },
  );

  it('leaves safe values bare and quotes the rest', () => {
    expect(formatDotenvValue('abc-123')).toBe('abc-123');
    expect(formatDotenvValue('a b')).toBe('"a b"');
  });
});
