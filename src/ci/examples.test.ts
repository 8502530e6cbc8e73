/**
 * action.yml and the example workflows (examples/github-actions/), parsed with a YAML parser: the action is a
 * composite that installs only itself and uploads the evidence, its inputs and outputs are the ones the issue names,
 * and every example passes only inputs the action has and reads only outputs it gives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_COMMANDS } from './action-inputs.js';
import { RUN_OUTPUTS } from './run-outputs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
type Step = { id?: string; name?: string; uses?: string; run?: string; shell?: string; with?: Record<string, unknown>; env?: Record<string, string>; if?: string };
type Job = { steps: Step[]; outputs?: Record<string, string>; environment?: { name: string; url?: string }; needs?: string | string[] };
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] };
};
const examplesDir = join(root, 'examples', 'github-actions');
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.yml'));
const RUN_COMMANDS = ['deploy', 'promote', 'rollback', 'rehearse'];
const isRunway = (step: Step) => /(^|\/)runway@/.test(step.uses ?? '') || step.uses === './';

describe('action.yml', () => {
  it('has exactly the inputs and outputs of the issue', () => {
    expect(Object.keys(action.inputs)).toEqual(['command', 'environment', 'config', 'args']);
    expect(Object.keys(action.outputs)).toEqual([...RUN_OUTPUTS]);
    for (const name of RUN_OUTPUTS) expect(action.outputs[name]!.value).toBe(`\${{ steps.runway.outputs.${name} }}`);
    expect(action.inputs.command!.default).toBe('deploy');
  });

  it('is a composite that installs only the package itself, runs the entry point with the inputs as variables, and uploads the evidence', () => {
    expect(action.runs.using).toBe('composite');
    const [install, run, upload] = action.runs.steps;
    expect(install!.run).toContain('npm ci');
    expect(install!.run).not.toMatch(/curl|wget|npx|install -g|--global/);
    expect(run!.id).toBe('runway');
    expect(run!.run).toBe('node "$GITHUB_ACTION_PATH/dist/ci/action-main.js"');
    // inputs reach the entry point as variables, never spliced into the shell line
    expect(run!.env).toEqual({ INPUT_COMMAND: '${{ inputs.command }}', INPUT_ENVIRONMENT: '${{ inputs.environment }}',
      INPUT_CONFIG: '${{ inputs.config }}', INPUT_ARGS: '${{ inputs.args }}' });
    expect(upload!.uses).toMatch(/^actions\/upload-artifact@v\d+$/);
    expect(upload!.with!.path).toBe('${{ steps.runway.outputs.evidence }}');
    expect(upload!.if).toContain('always()');
  });

  it('gives every run step a shell and finds its own folder in a container job too', () => {
    const runs = action.runs.steps.filter((s) => s.run !== undefined);
    expect(runs.length).toBe(2);
    for (const step of runs) {
      expect(step.shell, `step ${step.name}`).toBe('bash');
      // ${{ github.action_path }} and ${{ github.workspace }} name the host's paths in a container job (actions/runner#2185)
      expect(JSON.stringify(step), `step ${step.name}`).not.toMatch(/\$\{\{\s*github\.(action_path|workspace)/);
    }
    const [install] = runs;
    expect(install!.run).toMatch(/^cd "\$GITHUB_ACTION_PATH"$/m);
    // the build (prepare) needs the dev dependencies, whatever NODE_ENV the job sets
    expect(install!.run).toMatch(/^npm ci --include=dev /m);
  });

  it('documents every command the entry point runs', () => {
    const described = (action.inputs.command as { description?: string }).description ?? '';
    for (const command of ACTION_COMMANDS) expect(described).toContain(command);
  });
});

describe.each(examples)('examples/github-actions/%s', (file) => {
  const workflow = parse(readFileSync(join(examplesDir, file), 'utf8')) as { on: unknown; permissions: Record<string, string>; jobs: Record<string, Job> };
  const jobs = Object.entries(workflow.jobs);
  const runwaySteps = jobs.flatMap(([, job]) => job.steps.filter(isRunway));

  it('uses the action with its inputs only, and a command it runs', () => {
    expect(runwaySteps.length).toBeGreaterThan(0);
    for (const step of runwaySteps) {
      for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs), `${file}: input ${input}`).toContain(input);
      expect(ACTION_COMMANDS as readonly string[]).toContain(String(step.with?.command ?? 'deploy'));
    }
  });

  it('reads only outputs the action gives, from steps that are the action', () => {
    const text = readFileSync(join(examplesDir, file), 'utf8');
    const ids = new Set(runwaySteps.map((s) => s.id).filter(Boolean));
    const reads = [...text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)];
    expect(reads.length).toBeGreaterThan(0);
    for (const [, id, output] of reads) {
      expect(ids, `${file}: steps.${id} is not a Runway step`).toContain(id);
      expect(RUN_OUTPUTS as readonly string[], `${file}: output ${output}`).toContain(output);
    }
  });

  it('never splices an expression into a shell script (values reach run: steps as env:)', () => {
    for (const [name, job] of jobs) {
      for (const step of job.steps.filter((s) => s.run !== undefined)) expect(step.run, `${file}: job ${name}`).not.toContain('${{');
    }
  });

  it('lets Runway record deployments, and never passes a secret as an input', () => {
    expect(workflow.permissions.deployments).toBe('write');
    for (const step of runwaySteps) expect(JSON.stringify(step.with ?? {})).not.toContain('secrets.');
  });

  it('gives gh a token for the deployments and passes every required secret of its project to each run', () => {
    const text = readFileSync(join(examplesDir, file), 'utf8');
    const project = /\(examples\/([\w-]+)\)/.exec(text)?.[1];
    expect(project, `${file} names its example project`).toBeDefined();
    const config = parse(readFileSync(join(root, 'examples', project!, 'runway.yaml'), 'utf8')) as { secrets: { required: string[] } };
    const workflowEnv = (workflow as { env?: Record<string, string> }).env ?? {};
    for (const [name, job] of jobs) {
      for (const step of job.steps.filter((s) => isRunway(s) && RUN_COMMANDS.includes(String(s.with?.command ?? 'deploy')))) {
        const env = { ...workflowEnv, ...((job as { env?: Record<string, string> }).env ?? {}), ...(step.env ?? {}) };
        expect(env.GH_TOKEN, `${file}: job ${name}`).toBe('${{ github.token }}');
        for (const secret of config.secrets.required) expect(env[secret], `${file}: job ${name}, ${secret}`).toBe(`\${{ secrets.${secret} }}`);
        expect(env.RUNWAY_STATE_URL, `${file}: job ${name}`).toBe('${{ secrets.RUNWAY_STATE_URL }}');
        // the header tells a new user which secrets to set
        for (const secret of Object.values(env).flatMap((v) => [.../secrets\.(\w+)/.exec(v)?.slice(1) ?? []])) {
          expect(text.split('\nname:')[0], `${file}: the header names ${secret}`).toContain(secret);
        }
      }
    }
  });

  it('sets the environment URL of a deploying job from the action', () => {
    const deploying = jobs.filter(([, job]) => job.steps.some((s) => isRunway(s) && ['deploy', 'promote', undefined].includes(s.with?.command as string)));
    expect(deploying.length).toBeGreaterThan(0);
    for (const [name, job] of deploying) expect(job.environment?.url, `${file}: job ${name}`).toMatch(/^\$\{\{ steps\.[\w-]+\.outputs\.url \}\}$/);
  });
});

it('the Netlify example deploys staging on pushes to develop after the build, with deploy_url as a job output', () => {
  const workflow = parse(readFileSync(join(examplesDir, 'netlify-staging.yml'), 'utf8')) as { on: { push: { branches: string[] } }; jobs: Record<string, Job> };
  expect(workflow.on.push.branches).toEqual(['develop']);
  const job = workflow.jobs['deploy-staging']!;
  expect(job.needs).toBe('build');
  expect(job.outputs!.deploy_url).toBe('${{ steps.runway.outputs.url }}');
  expect(job.environment!.name).toBe('staging');
});
