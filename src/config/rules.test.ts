import { describe, expect, it } from 'vitest';
import { formatPath } from './positions.js';
import { checkRules } from './rules.js';
import { CHECK_KINDS, STEP_KINDS } from './schema.js';


const target = { local: { start: 'node server.js' } };

/** Rule issues as `path: message`. */
function rules(data: unknown): string[] {
  return checkRules(data).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/** Environments in this order, each requiring the listed ones. */
function envs(requires: Record<string, string[]>): unknown {
  return {
    project: 'shop',
    environments: Object.fromEntries(Object.entries(requires).map(([name, list]) => [name, { requires: list, target }])),
  };
}

describe('checkRules: requires', () => {
  it('accepts requirements on earlier environments', () => {
    expect(rules(envs({ dev: [], staging: ['dev'], production: ['staging', 'dev'] }))).toEqual([]);
  });

  it('reports a three-environment cycle once, from the first environment in the file', () => {
    expect(rules(envs({ dev: ['production'], staging: ['dev'], production: ['staging'] }))).toEqual([
      'environments.dev.requires[0]: requires cycle: dev → production → staging → dev',
    ]);
  });

  it('reports an out-of-order requirement outside any cycle', () => {
    expect(rules(envs({ dev: [], staging: ['production'], production: ['dev'] }))).toEqual([
      'environments.staging.requires[0]: "production" is listed after "staging": promotion order is the order of environments in the file, so move "production" above "staging"',
    ]);
  });

  it('reports separate cycles separately', () => {
    expect(rules(envs({ a: ['b'], b: ['a'], c: ['d'], d: ['c'] }))).toEqual([
      'environments.a.requires[0]: requires cycle: a → b → a',
      'environments.c.requires[0]: requires cycle: c → d → c',
    ]);
  });

  it('ignores values of the wrong type (the schema reports those)', () => {
    expect(rules({ project: 'shop', environments: { staging: { requires: 'x', target } } })).toEqual([]);
    expect(rules({ project: 'shop', environments: { staging: { requires: [1], target } } })).toEqual([]);
    expect(rules(null)).toEqual([]);
    expect(rules(['a'])).toEqual([]);
  });
});

describe('checkRules: kind keys', () => {
  it('leaves a mapping with only unknown keys to the unknown-key message', () => {
    const data = {
      project: 'shop',
      environments: { staging: { target: { lokal: {} }, checks: [{ htpp: {} }] } },
      pipeline: [{ runn: 'x' }],
    };
    expect(rules(data)).toEqual([]);
  });

  it('checks environment pipelines and gates too', () => {
    const data = {
      project: 'shop',
      environments: {
        staging: { target, gates: [{ name: 'g' }], pipeline: [{ run: 'x', rollback: null }, { when: { env: 'prodution' } }] },
        production: { target },
      },
    };
    expect(rules(data)).toEqual([
      `environments.staging.gates[0]: check has no provider: add one of ${CHECK_KINDS.join(', ')}`,
      'environments.staging.pipeline[0]: step has several kinds (run, rollback): split it into one step per kind',
      `environments.staging.pipeline[1]: step has no kind: add one of ${STEP_KINDS.join(', ')}`,
      'environments.staging.pipeline[1].when.env: unknown environment "prodution" (did you mean "production"?)',
    ]);
  });
});

describe('checkRules: references', () => {
  it('checks a string in an environment against that environment only', () => {
    const data = {
      project: 'shop',
      vars: { A: 'a' },
      environments: {
        staging: { target, vars: { B: 'b' }, url: 'https://${{ vars.B }}.${{ vars.A }}' },
        production: { target, url: 'https://${{ vars.B }}' },
      },
    };
    expect(rules(data)).toEqual([
      'environments.production.url: unknown variable "vars.B": define it under vars (or the environment\'s vars)',
    ]);
  });

  it('checks top-level strings other than the pipeline against top-level vars', () => {
    const data = {
      project: 'shop',
      release: { build: 'npm run build -- --mode ${{ vars.MODE }}' },
      environments: { staging: { target, vars: { MODE: 'staging' } } },
    };
    expect(rules(data)).toEqual([
      'release.build: unknown variable "vars.MODE": define it under vars (or the environment\'s vars)',
    ]);
  });

  it('checks the shared pipeline only in environments that run it', () => {
    const data = {
      project: 'shop',
      environments: {
        staging: { target, vars: { DB: 'x' } },
        production: { target, pipeline: ['deploy'] },
      },
      pipeline: [{ run: 'migrate ${{ vars.DB }}' }],
    };
    expect(rules(data)).toEqual([]);
  });
});
