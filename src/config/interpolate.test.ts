import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue } from '../errors.js';
import { checkReference, findReferences, interpolate, scopeFor, type InterpolationScope } from './interpolate.js';
import { parseConfig } from './parse.js';

const scope: InterpolationScope = {
  vars: { HOST: 'shop.example.com', EMPTY: '', TRICKY: '${{ vars.HOST }}' },
  runway: { env: 'staging', project: 'shop', sha: '3f2a9c1' },
};

/** The formatted issues thrown by interpolate. */
function errorsOf(text: string, where?: string): string[] {
  try {
    interpolate(text, scope, where);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues.map(formatIssue);
  }
  throw new Error('expected a ConfigError');
}

describe('interpolate', () => {
  it.each([
    ['curl https://${{ vars.HOST }}/health', 'curl https://shop.example.com/health'],
    ['${{vars.HOST}}:${{ runway.env }}', 'shop.example.com:staging'],
    ['deploy ${{ runway.project }}@${{ runway.sha }}', 'deploy shop@3f2a9c1'],
    ['x${{ vars.EMPTY }}y', 'xy'],
    ['echo ${HOME} $PORT ${PORT:-3000} $((1 + 2)) ${ {a} }', 'echo ${HOME} $PORT ${PORT:-3000} $((1 + 2)) ${ {a} }'],
    ['no references at all', 'no references at all'],
  ])('%s', (text, expected) => {
    expect(interpolate(text, scope)).toBe(expected);
  });

  it('does not expand references inside substituted values', () => {
    expect(interpolate('${{ vars.TRICKY }}', scope)).toBe('${{ vars.HOST }}');
  });

  it('names every unknown reference at once', () => {
    expect(errorsOf('${{ vars.HOTS }} ${{ runway.branch }} ${{ nope }}', 'environments.staging.pipeline[0].run')).toEqual([
      'runway.yaml environments.staging.pipeline[0].run: unknown variable "vars.HOTS" (did you mean "vars.HOST"?)',
      'runway.yaml environments.staging.pipeline[0].run: unknown built-in "runway.branch": use one of runway.env, runway.project, runway.release, runway.sha, runway.url',
      'runway.yaml environments.staging.pipeline[0].run: invalid reference "${{ nope }}": use ${{ vars.NAME }} or one of runway.env, runway.project, runway.release, runway.sha, runway.url',
    ]);
  });

  it('refuses a built-in that has no value yet and an unclosed reference', () => {
    expect(errorsOf('open ${{ runway.url }}')).toEqual(['runway.yaml "${{ runway.url }}" has no value at this point']);
    expect(errorsOf('echo ${{ vars.HOST')).toEqual(['runway.yaml unclosed "${{": end the reference with "}}"']);
  });
});

describe('findReferences and checkReference', () => {
  it('finds offsets and trims expressions', () => {
    expect(findReferences('a ${{ vars.X }} b ${{runway.env}}')).toEqual({
      references: [
        { expression: 'vars.X', start: 2, end: 15 },
        { expression: 'runway.env', start: 18, end: 33 },
      ],
    });
    expect(findReferences('a ${{ vars.X').unclosed).toBe(2);
  });

  it('forbids variables inside variable values', () => {
    expect(checkReference('vars.X', null)).toBe(
      'variables cannot reference other variables ("vars.X"): repeat the value or use a runway.* built-in',
    );
    expect(checkReference('runway.env', null)).toBeUndefined();
  });
});

describe('scopeFor', () => {
  it('overrides top-level vars with the environment and resolves built-ins in values', () => {
    const config = parseConfig(
      `project: shop
vars: { HOST: example.com, API: "https://\${{ runway.env }}.api.example.com" }
environments:
  staging:
    target: { local: { start: node server.js } }
    vars: { HOST: staging.example.com }
  production:
    target: { local: { start: node server.js } }
`,
      'runway.yaml',
    );
    const staging = scopeFor(config, 'staging', { sha: 'abc' });
    expect(staging).toEqual({
      vars: { HOST: 'staging.example.com', API: 'https://staging.api.example.com' },
      runway: { sha: 'abc', env: 'staging', project: 'shop' },
    });
    expect(scopeFor(config, 'production').vars.HOST).toBe('example.com');
    expect(interpolate('curl ${{ vars.API }}/${{ runway.sha }}', staging)).toBe('curl https://staging.api.example.com/abc');
  });
});
