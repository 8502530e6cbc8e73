/** Workflow commands and annotations against the escaping of actions/toolkit's command.ts. */
import { describe, expect, it } from 'vitest';
import { ConfigError, GateError, LockError } from '../errors.js';
import type { RunRecord } from '../types.js';
import { configErrorAnnotations, errorAnnotation, runAnnotations } from './annotations.js';
import { annotation, escapeData, escapeProperty, workflowCommand } from './workflow-commands.js';

describe('escaping', () => {
  it.each([
    ['plain', 'plain', 'plain'],
    ['100%', '100%25', '100%25'],
    ['a\nb', 'a%0Ab', 'a%0Ab'],
    ['a\r\nb', 'a%0D%0Ab', 'a%0D%0Ab'],
    ['%0A', '%250A', '%250A'],
    ['runway.yaml:14:7', 'runway.yaml:14:7', 'runway.yaml%3A14%3A7'],
    ['a,b', 'a,b', 'a%2Cb'],
  ])('%j → data %j, property %j', (text, data, property) => {
    expect(escapeData(text)).toBe(data);
    expect(escapeProperty(text)).toBe(property);
  });
});

describe('workflow commands', () => {
  it('formats a command without and with properties, leaving out empty ones', () => {
    expect(workflowCommand('add-mask', {}, 's3cr%t')).toBe('::add-mask::s3cr%25t\n');
    expect(workflowCommand('error', { file: 'a,b.yaml', line: 3, col: undefined, title: '' }, 'x:y')).toBe('::error file=a%2Cb.yaml,line=3::x:y\n');
  });

  it('formats annotations with file, line, column and title in the documented order', () => {
    expect(annotation('error', 'bad\nvalue', { title: 'Runway: config', file: 'deploy/runway.yaml', line: 14, col: 7 }))
      .toBe('::error title=Runway%3A config,file=deploy/runway.yaml,line=14,col=7::bad%0Avalue\n');
    expect(annotation('warning', 'w')).toBe('::warning::w\n');
  });
});

describe('annotations of errors', () => {
  const place = { projectDir: '/work/repo/app', workspace: '/work/repo' };

  it('puts every issue of a config error on its file, line and column relative to the workspace', () => {
    const err = new ConfigError([
      { file: 'runway.yaml', line: 14, col: 7, path: 'environments.production.requires[0]', message: 'unknown environment "stagin" (did you mean "staging"?)' },
      { file: 'runway.yaml', path: '', message: 'top, level' },
    ]);
    expect(configErrorAnnotations(err, place)).toBe(
      '::error title=Runway config,file=app/runway.yaml,line=14,col=7::environments.production.requires[0]: unknown environment "stagin" (did you mean "staging"?)\n' +
      '::error title=Runway config,file=app/runway.yaml::top, level\n');
  });

  it('titles refusals and locks, and escapes multi-line messages', () => {
    expect(errorAnnotation(new GateError('refused: staging is missing 1 required secret: API_KEY\n  searched: environment'), place))
      .toBe('::error title=Runway refused::refused: staging is missing 1 required secret: API_KEY%0A  searched: environment\n');
    expect(errorAnnotation(new LockError('locked'), place)).toBe('::error title=Runway%3A environment locked::locked\n');
    expect(errorAnnotation(new ConfigError('--release: unknown release "x"'), place)).toBe('::error title=Runway%3A bad input::--release: unknown release "x"\n');
  });
});

describe('annotations of a run', () => {
  const run = (over: Partial<RunRecord>): RunRecord => ({
    id: 'r1', kind: 'deploy', environment: 'staging', actor: 'octocat', command: 'runway deploy staging', startedAt: '', outcome: 'successful',
    release: { id: 'abc1234-0011', sha: 'abc1234', artifactDigest: '', configDigest: '', dirty: false, dir: '', createdAt: '' }, steps: [], ...over,
  });
  const measurement = (phase: 'successful' | 'failed' | 'error', message: string) => ({ phase, message, startedAt: '', finishedAt: '' });

  it('is empty for a successful run whose checks passed', () => {
    expect(runAnnotations(run({ steps: [{ index: 1, name: 'checks', kind: 'checks', status: 'successful', attempts: 1, checks: [{ name: 'health', kind: 'http', measurement: measurement('successful', 'ok') }] }] }))).toBe('');
  });

  it('names each failed check and the rollback', () => {
    const text = runAnnotations(run({
      outcome: 'rolled_back', rolledBackTo: 'old-1', rollbackTrigger: 'check health failed: status 500, expected 200',
      steps: [{ index: 1, name: 'checks', kind: 'checks', status: 'failed', attempts: 1, checks: [
        { name: 'health', kind: 'http', measurement: measurement('failed', 'status 500, expected 200') },
        { name: 'db', kind: 'sql', measurement: measurement('error', 'connection refused') },
      ] }],
    }));
    expect(text).toBe(
      '::error title=staging%3A check health failed::status 500, expected 200\n' +
      '::error title=staging%3A check db could not measure::connection refused\n' +
      '::error title=runway deploy staging%3A rolled back::check health failed: status 500, expected 200; rolled back to old-1\n');
  });
});
