/** The action's inputs as a Runway command line: each command, promote's two forms, args split without a shell. */
import { describe, expect, it } from 'vitest';
import { actionArgv, actionInputs, splitArgs } from './action-inputs.js';

const requires = (name: string) => ({ production: ['staging'], staging: [] as string[], canary: ['staging', 'qa'] })[name];
const argv = (command: string, environment = '', args = '', config = '') => actionArgv({ command, environment, config, args }, requires,
  { runUrl: 'https://github.com/acme/shop/actions/runs/9', actor: 'octocat' });

describe('the command line of the inputs', () => {
  it.each([
    [['deploy', 'staging'], ['deploy', 'staging']],
    [['deploy'], ['deploy', '--auto']],
    [['deploy', 'staging', '--allow-dirty'], ['deploy', 'staging', '--allow-dirty']],
    [['promote', 'production'], ['promote', 'staging', 'production']],
    [['promote', 'staging production'], ['promote', 'staging', 'production']],
    [['promote', 'staging, production', '--release abc-1'], ['promote', 'staging', 'production', '--release', 'abc-1']],
    [['rollback', 'production', '--reason "error budget"'], ['rollback', 'production', '--reason', 'error budget']],
    [['rollback', 'production'], ['rollback', 'production', '--reason', 'GitHub Actions (octocat): https://github.com/acme/shop/actions/runs/9']],
    [['rehearse', 'staging'], ['rehearse', 'staging']],
    [['validate'], ['validate']],
    [['plan', 'production', '--json'], ['plan', 'production', '--json']],
  ])('%j → %j', (inputs, expected) => expect(argv(...(inputs as [string, string?, string?]))).toEqual(expected));

  it('passes the config file as the global --config', () => {
    expect(argv('validate', '', '', 'deploy/runway.yaml')).toEqual(['--config', 'deploy/runway.yaml', 'validate']);
  });

  it('refuses what it cannot run, saying which input is wrong', () => {
    expect(() => argv('destroy')).toThrow('input command: "destroy" is not one the action runs (deploy, promote, rollback, rehearse, validate, plan)');
    expect(() => argv('plan')).toThrow('input environment: plan needs one environment');
    expect(() => argv('deploy', 'a b')).toThrow('input environment: deploy takes one environment');
    expect(() => argv('promote', 'canary')).toThrow('canary requires staging, qa, so the one to promote from is not known: give both, e.g. "staging canary"');
    expect(() => argv('deploy', 'staging', '--reason "open')).toThrow('input args: unclosed "');
  });

  it('reads the INPUT_* variables, deploy by default', () => {
    expect(actionInputs({ INPUT_ENVIRONMENT: ' staging ', INPUT_ARGS: '--json' })).toEqual({ command: 'deploy', environment: 'staging', config: '', args: '--json' });
  });
});

describe('splitting args', () => {
  it.each([
    ['', []], ['a  b\tc', ['a', 'b', 'c']], [`--reason 'it''s fine'`, ['--reason', 'its fine']],
    ['--reason "say \\"no\\" $HOME"', ['--reason', 'say "no" $HOME']], ['a\\ b', ['a b']], ['$(rm -rf /) `x`', ['$(rm', '-rf', '/)', '`x`']],
  ])('%j → %j', (text, words) => expect(splitArgs(text)).toEqual(words));
});
