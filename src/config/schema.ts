/**
 * The one schema of `runway.yaml`: every key has a description and, where it makes sense, a default.
 * `runway schema` prints it as JSON Schema; docs/config.md explains it for people.
 */
import { z } from 'zod';
import {
  apiHeaders, apiUrl, condition, databaseUrlOption, duration, envVarName, name, regex, secretVarName, stringMap,
} from './primitives.js';
import { TARGET_KIND_NAMES, targetConfigSchema } from '../targets/schema.js';

/** HTTP check: one request against the environment's URL. */
export const httpCheckSchema = z
  .object({
    path: z.string().optional().describe('Path on the environment URL, e.g. /health. Use `url` for another host.'),
    url: z.string().url().optional().describe('Full URL to request instead of the environment URL + path.'),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET').describe('HTTP method.'),
    headers: stringMap.optional().describe('Request headers. Values may reference ${{ vars.NAME }}.'),
    body: z.string().optional().describe('Request body.'),
    expect: z
      .object({
        status: z
          .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599))])
          .default(200)
          .describe('Expected status code, or a list of accepted codes.'),
        contains: z.string().optional().describe('Text the response body must contain.'),
        json: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('JSON paths and the values they must equal, e.g. { "$.status": "ok" }.'),
      })
      .strict()
      .default({ status: 200 })
      .describe('What the response must look like.'),
    under: duration.optional().describe('Latency budget: the response must arrive within this time, e.g. 300ms.'),
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
    count: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('Send this many requests and report p50/p95/p99 latency; every one must pass.'),
    every: duration.optional().describe('Time between the starts of repeated requests (with count; default 1s).'),
  })
  .strict();

/** Command check: a command whose exit code is the verdict. */
export const commandCheckSchema = z
  .object({
    run: z.string().min(1).describe('Shell command to run (non-interactive, in the project directory).'),
    expect: z
      .object({ exitCode: z.number().int().default(0).describe('Expected exit code.') })
      .strict()
      .default({ exitCode: 0 }),
    timeout: duration.default('1m').describe('Kill the command (phase error) after this long.'),
    metric: z
      .object({
        pattern: regex.describe('Regular expression finding the number in the output; its first group (or the whole match) is read.'),
        condition: condition.describe('Condition on that number, e.g. "< 300ms" (a bare number is in the condition\'s unit).'),
      })
      .strict()
      .optional()
      .describe('Also read a number from the output and judge it (after the exit code passed).'),
  })
  .strict();

/** Prometheus check: an instant PromQL query whose result is judged by a condition. */
export const prometheusCheckSchema = z
  .object({
    url: apiUrl.describe('Prometheus server URL, e.g. http://127.0.0.1:9090 (may use ${NAME} references).'),
    query: z.string().min(1).describe('Instant PromQL query, e.g. sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m])).'),
    condition: condition.describe('Condition every returned sample must meet, e.g. "< 0.1%" (seconds and ratios, as Prometheus reports).'),
    headers: apiHeaders,
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict();

/** JSON check: any HTTP JSON API, a JSON path, and a condition and/or a freshness window on the value found. */
export const jsonCheckSchema = z
  .object({
    url: apiUrl.optional().describe('URL of the JSON API (may use ${NAME} references). Use `path` for the environment URL.'),
    path: z.string().optional().describe('Path on the environment URL instead of `url`, e.g. /api/stats.'),
    method: z.enum(['GET', 'POST']).default('GET').describe('HTTP method.'),
    headers: apiHeaders,
    body: z.string().optional().describe('Request body (e.g. a JSON query for POST).'),
    jsonPath: z.string().min(1).describe('Where the value is, e.g. $.results[0].timestamp or $.data.errorRate.'),
    each: z
      .string()
      .optional()
      .describe('When jsonPath finds an array of objects: the path of the value inside each element, e.g. $.timestamp.'),
    condition: condition
      .optional()
      .describe('Condition on the value (an array is judged by its length), e.g. ">= 1" or "< 0.1%".'),
    within: duration
      .optional()
      .describe('Freshness: the value (or the newest of an array) is a timestamp no older than this, e.g. 10m.'),
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.condition === undefined && spec.within === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give a condition, a freshness window (within), or both' });
    }
    if (spec.url !== undefined && spec.path !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either url or path, not both' });
    }
  });

/** One click of a browser check's click path, with what must be visible afterwards. */
const browserClickSchema = z.union([
  z.string().min(1),
  z
    .object({
      selector: z.string().min(1).describe('Element to click.'),
      visible: z.array(z.string().min(1)).default([]).describe('Selectors that must be visible after the click.'),
    })
    .strict(),
]);

/** Browser check: load a page in headless Chromium and judge console errors, failed requests and selectors. */
export const browserCheckSchema = z
  .object({
    path: z.string().optional().describe('Path on the environment URL, e.g. /dashboard.'),
    url: z.string().url().optional().describe('Full URL to load instead of the environment URL + path.'),
    visible: z.array(z.string().min(1)).default([]).describe('Selectors that must be visible once the page loaded.'),
    hidden: z
      .array(z.string().min(1))
      .default([])
      .describe('Selectors that must not be visible, e.g. .tile .no-data or .error-banner.'),
    click: z.array(browserClickSchema).default([]).describe('Click path, in order: a selector, or { selector, visible }.'),
    consoleErrors: z.boolean().default(false).describe('Allow console errors and uncaught page errors (default: any fails the check).'),
    failedRequests: z.boolean().default(false).describe('Allow failed requests and responses >= 400 (default: any fails the check).'),
    ignore: z
      .array(regex)
      .default([])
      .describe('Regular expressions: console messages and request URLs matching one are not counted.'),
    screenshot: z.boolean().default(true).describe('Save a screenshot of the page into the evidence.'),
    viewport: z
      .object({ width: z.number().int().min(200).max(4000), height: z.number().int().min(200).max(4000) })
      .strict()
      .default({ width: 1280, height: 800 })
      .describe('Window size.'),
    wait: duration.default('5s').describe('How long a selector may take to become visible (or hidden).'),
    timeout: duration.default('30s').describe('Give up (phase error) when loading and checking the page takes longer.'),
  })
  .strict();

/** SQL check: a query whose first value or row count is the verdict. */
export const sqlCheckSchema = z
  .object({
    query: z.string().min(1).describe('SQL to run. It runs in a transaction that is always rolled back, so it may test a write.'),
    expect: z
      .object({
        value: z
          .union([z.string(), z.number(), z.boolean(), z.null()])
          .optional()
          .describe('Value the first column of the first row must equal.'),
        rows: z.number().int().nonnegative().optional().describe('Number of rows the query must return.'),
      })
      .strict()
      .default({})
      .describe('What the result must be (without expect: the query must run).'),
    url: databaseUrlOption,
    timeout: duration.default('10s').describe('Statement timeout (phase error after this long).'),
  })
  .strict();

/** Tables check: these tables exist. */
export const tablesCheckSchema = z
  .object({
    exist: z.array(z.string().min(1)).min(1).describe('Tables that must exist: schema.table, or table (schema public).'),
    url: databaseUrlOption,
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict();

/** RLS check: row level security is enabled on these tables. */
export const rlsCheckSchema = z
  .object({
    tables: z
      .array(z.string().min(1))
      .min(1)
      .describe('Tables that must have row level security enabled: schema.table, table, or schema.* for every table of a schema.'),
    force: z.boolean().default(false).describe('Also require FORCE ROW LEVEL SECURITY (the table owner is bound too).'),
    url: databaseUrlOption,
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict();

/** Connect check: the database URL passes the DSN gate and a connection answers, with its latency. */
export const connectCheckSchema = z
  .object({
    url: databaseUrlOption,
    via: z.enum(['direct', 'pooler']).optional().describe("How the app reaches Supabase (default: the environment's database.via)."),
    under: duration.optional().describe('Latency budget for connecting and answering `select 1`, e.g. 500ms.'),
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict();

/** A check: exactly one provider key (`http`, `command`) plus an optional name. */
export const checkSchema = z
  .object({
    name: z.string().optional().describe('Name shown in reports; defaults to a summary of the check.'),
    http: httpCheckSchema.optional().describe('HTTP request check.'),
    command: commandCheckSchema.optional().describe('Command exit-code check.'),
    sql: sqlCheckSchema.optional().describe('SQL query check against the database.'),
    tables: tablesCheckSchema.optional().describe('Tables-exist check against the database.'),
    rls: rlsCheckSchema.optional().describe('Row level security check against the database.'),
    connect: connectCheckSchema.optional().describe('Database connection check (DSN gate + latency).'),
    prometheus: prometheusCheckSchema.optional().describe('PromQL query with a condition.'),
    json: jsonCheckSchema.optional().describe('JSON API value with a condition or a freshness window.'),
    browser: browserCheckSchema.optional().describe('Page in headless Chromium: no console errors, selectors visible.'),
  })
  .strict()
  .describe('A check with a verdict. Exactly one provider key.');

export const CHECK_KINDS = ['http', 'command', 'sql', 'tables', 'rls', 'connect', 'prometheus', 'json', 'browser'] as const;

/** Condition on a step. */
export const whenSchema = z
  .object({
    env: z.union([z.string(), z.array(z.string())]).optional().describe('Run only in these environments.'),
    status: z
      .enum(['success', 'failure', 'always'])
      .default('success')
      .describe('success: only while the run is healthy; failure: only after a step failed; always: both.'),
  })
  .strict();

const stepOptions = {
  name: z.string().optional().describe('Name shown in the task list and reports.'),
  timeout: duration.optional().describe('Kill the step after this long (default: defaults.timeout).'),
  retries: z.number().int().min(0).max(10).optional().describe('Extra attempts after a failure (default: defaults.retries).'),
  when: whenSchema.optional().describe('When to run the step.'),
  continueOnError: z.boolean().default(false).describe('A failure of this step does not fail the run.'),
  env: stringMap.optional().describe('Extra environment variables for this step (non-secret).'),
};

/** `migrate` step: apply pending SQL migrations (or run a migration command). */
export const migrateStepSchema = z
  .object({
    dir: z.string().default('supabase/migrations').describe('Folder of the migration files, relative to the project.'),
    pattern: z
      .string()
      .default('^(\\d+)_(.*)\\.sql$')
      .describe('Regular expression for migration file names: group 1 is the version, group 2 the name.'),
    table: z
      .string()
      .default('supabase_migrations.schema_migrations')
      .describe('Tracking table (schema.table); the default is the Supabase CLI\'s, shared with `supabase db push`.'),
    command: z
      .string()
      .min(1)
      .optional()
      .describe('Run this command instead (e.g. npx prisma migrate deploy); it gets DATABASE_URL in its environment.'),
    statementTimeout: duration.optional().describe('statement_timeout for each migration statement.'),
    lockTimeout: duration.optional().describe('lock_timeout for each migration statement.'),
    contract: z
      .array(z.string())
      .default([])
      .describe('Versions not safe to roll back over (same as a `-- runway:contract` header in the file).'),
    allowDrift: z
      .record(z.string(), z.string().min(1))
      .default({})
      .describe('Versions whose drift is accepted, each with the reason (recorded in the run).'),
    backup: z.boolean().optional().describe('Back up before applying (default: database.backup.beforeMigrate).'),
  })
  .strict();

/** `backup` step: pg_dump the environment's database. */
export const backupStepSchema = z
  .object({
    verify: z.enum(['none', 'restore']).optional().describe('Restore-test the backup into a scratch database (default: database.backup.verify).'),
    dir: z.string().optional().describe('Folder for the backup (default: database.backup.dir, else the evidence bundle).'),
  })
  .strict();

/** `restore` step: restore a backup into the environment's database. */
export const restoreStepSchema = z
  .object({
    backup: z.string().optional().describe('Backup id (default: the newest backup taken earlier in this run).'),
  })
  .strict();

/** A monitor threshold: a condition, or false to switch a default one off. */
const monitorThreshold = z.union([condition, z.literal(false)]);

/**
 * `monitor:` of an environment, and the overrides of a `monitor` step: watch the release's own traffic after a
 * deploy and judge a sliding window every `every`. Defaults are applied when the plan is built, so a step can
 * override single keys of the environment's block.
 */
export const monitorSchema = z
  .object({
    for: duration.optional().describe('How long to watch after the deploy (default 10m).'),
    every: duration.optional().describe('How often the sliding window is judged (default 1s).'),
    window: duration.optional().describe('Length of the sliding window, made of 1 s buckets (default 10s).'),
    minRequests: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Fewest requests a window needs for a verdict; with fewer it is inconclusive, not failed (default 20).'),
    errorRate: monitorThreshold.optional().describe('Condition on 5xx responses and socket errors over requests (default "< 0.1%"; false: off).'),
    p50: monitorThreshold.optional().describe('Condition on the median latency, e.g. "< 500ms" (default off).'),
    p95: monitorThreshold.optional().describe('Condition on the 95th percentile latency (default "< 3s"; false: off).'),
    p99: monitorThreshold.optional().describe('Condition on the 99th percentile latency (default off).'),
    crashes: monitorThreshold.optional().describe('Condition on crashes of the release since monitoring began (default "== 0"; false: off).'),
    failureLimit: z.number().int().min(0).optional().describe('Failed evaluations of one metric tolerated (default 0).'),
    consecutiveErrorLimit: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Evaluations in a row that could not measure a metric, tolerated (default 4).'),
    inconclusiveLimit: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Inconclusive evaluations of one metric tolerated (default: no limit; a metric never measured is still inconclusive).'),
    onBreach: z
      .enum(['rollback', 'pause', 'notify'])
      .optional()
      .describe('What a failed or inconclusive verdict does: rollback (default when onFailure is rollback), pause (wait for `runway resume`), notify (warn, keep the release).'),
    probes: z
      .union([
        z.literal(false),
        z
          .object({
            path: z.string().optional().describe("Path to probe (default: the target's health path)."),
            rate: z.number().positive().max(100).optional().describe('Probes per second while real traffic is below it (default: minRequests / window).'),
          })
          .strict(),
      ])
      .optional()
      .describe('Synthetic probes that fill in while real traffic is too low for a verdict (default on; false: off).'),
    checks: z
      .union([
        z.boolean(),
        z
          .object({
            only: z.array(z.string()).optional().describe("Names of the environment's checks to run (default: all)."),
            every: duration.optional().describe('Time between two runs of the checks (default 30s).'),
          })
          .strict(),
      ])
      .optional()
      .describe("Also run the environment's checks at an interval while monitoring (default off)."),
    pauseTimeout: duration
      .optional()
      .describe('How long a paused run waits for `runway resume` before the environment\'s onFailure applies (default 1h).'),
  })
  .strict();

/** A pipeline step in object form. Exactly one kind key: run, deploy, checks, rollback. */
export const stepObjectSchema = z
  .object({
    run: z.string().min(1).optional().describe('Shell command to run.'),
    deploy: z.object({}).strict().nullable().optional().describe('Deploy the release to the environment target.'),
    checks: z
      .object({ only: z.array(z.string()).optional().describe('Run only the checks with these names.') })
      .strict()
      .nullable()
      .optional()
      .describe("Run the environment's checks; a failure after a deploy triggers onFailure."),
    rollback: z.object({}).strict().nullable().optional().describe('Roll back to the known-good release.'),
    migrate: migrateStepSchema.nullable().optional().describe("Apply pending migrations to the environment's database."),
    backup: backupStepSchema.nullable().optional().describe("Back up the environment's database (pg_dump)."),
    restore: restoreStepSchema.nullable().optional().describe("Restore a backup into the environment's database."),
    monitor: monitorSchema
      .nullable()
      .optional()
      .describe("Watch the release's traffic with the environment's monitor block (these keys override it)."),
    ...stepOptions,
  })
  .strict();

export const STEP_KINDS = ['run', 'deploy', 'checks', 'rollback', 'migrate', 'backup', 'restore', 'monitor'] as const;
/** Step kinds that can be written as a bare string in a pipeline. */
export const STRING_STEP_KINDS = ['deploy', 'checks', 'rollback', 'migrate', 'backup', 'restore', 'monitor'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export const stepSchema = z
  .union([z.enum(STRING_STEP_KINDS), stepObjectSchema])
  .describe('A step: "deploy", "checks", "rollback", or an object with one of run/deploy/checks/rollback.');

/** `target:` of an environment: exactly one key, a kind from the target list (its schema lives with its code). */
export const targetSchema = targetConfigSchema;

/** Every target kind, in the order of the list. */
export const TARGET_KINDS = TARGET_KIND_NAMES;

/** The application database of an environment (its URL stays in a secret environment variable). */
export const databaseSchema = z
  .object({
    url: envVarName.default('DATABASE_URL').describe('Name of the environment variable holding the database URL (a secret).'),
    via: z
      .enum(['direct', 'pooler'])
      .optional()
      .describe('How the app reaches a Supabase database; Runway warns when the URL points at the other one.'),
    tools: z.string().optional().describe('Folder with pg_dump, pg_restore and psql (default: PATH).'),
    backup: z
      .object({
        beforeMigrate: z.boolean().default(true).describe('Back up before a migrate step applies anything.'),
        dir: z.string().optional().describe("Folder for backups (default: the run's evidence bundle)."),
        verify: z.enum(['none', 'restore']).default('none').describe('restore: restore-test every backup into a scratch database.'),
        schemas: z.array(z.string()).optional().describe('Back up (and restore) only these schemas (default: the whole database).'),
        excludeSchemas: z.array(z.string()).default([]).describe('Schemas left out of backups.'),
      })
      .strict()
      .default({ beforeMigrate: true, verify: 'none', excludeSchemas: [] })
      .describe('Backups of this database.'),
  })
  .strict();

/** Where secret values come from; sources are searched in order and the first one with a name wins. */
export const secretSourceSchema = z
  .union([
    z.literal('env').describe('The environment Runway runs in (the shell, the CI job).'),
    z
      .object({
        dotenv: z
          .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
          .describe('Glob(s) of dotenv files relative to the project, e.g. "vault/${{ runway.env }}/*.env".'),
      })
      .strict(),
    z
      .object({
        op: z
          .record(secretVarName, z.string().regex(/^op:\/\/[^/]+\/.+\/.+/, { message: 'expected a 1Password secret reference such as op://vault/item/field' }))
          .describe('Names and their 1Password secret references, each read with `op read`.'),
        account: z.string().optional().describe('1Password account to use (op --account).'),
      })
      .strict(),
    z
      .object({
        command: z.string().min(1).describe('A command that prints NAME=value lines on stdout, e.g. "sops -d secrets.env".'),
        timeout: duration.default('30s').describe('Give up on the command after this long.'),
      })
      .strict(),
  ])
  .describe('A secret source: env, { dotenv: glob }, { op: { NAME: op://… } } or { command: "…" }.');

const sinkNames = z
  .array(secretVarName)
  .optional()
  .describe('Mirror only these names (each must be listed under required); default: every required name.');

/** Where required secrets are mirrored by `runway secrets sync` (only through each service's official CLI). */
export const secretSinksSchema = z
  .object({
    github: z
      .object({
        repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, { message: 'expected OWNER/REPO' }).describe('Repository, OWNER/REPO.'),
        env: z.string().min(1).describe('GitHub deployment environment whose secrets are set (gh secret set --env).'),
        names: sinkNames,
      })
      .strict()
      .optional()
      .describe('GitHub Actions environment secrets (gh).'),
    fly: z
      .object({ app: z.string().min(1).describe('Fly app name (-a).'), names: sinkNames })
      .strict()
      .optional()
      .describe('Fly.io app secrets, staged (fly secrets import --stage).'),
    netlify: z
      .object({
        context: z.string().default('production').describe('Deploy context: production, deploy-preview, branch-deploy, dev or branch:NAME.'),
        site: z.string().optional().describe('Site name or id (default: the site linked in the project directory).'),
        secret: z.boolean().default(false).describe('Store as Netlify secret values (then `diff` can check presence only).'),
        names: sinkNames,
      })
      .strict()
      .optional()
      .describe('Netlify environment variables (netlify env:set).'),
    vercel: z
      .object({
        env: z.string().min(1).describe('Vercel environment: production, preview, development or a custom one.'),
        cwd: z.string().optional().describe('Directory of the linked Vercel project, relative to the project (default: the project).'),
        sensitive: z.boolean().default(false).describe('Add as sensitive variables (vercel env add --sensitive).'),
        names: sinkNames,
      })
      .strict()
      .optional()
      .describe('Vercel environment variables (vercel env add).'),
    dotenv: z
      .object({
        dir: z.string().min(1).describe('Directory of dotenv files (relative to the project or absolute), e.g. a mounted secrets volume.'),
        file: z.string().default('runway.env').describe('File in dir that gets names not yet present in any file of dir.'),
        names: sinkNames,
      })
      .strict()
      .optional()
      .describe('A local directory of dotenv files.'),
  })
  .strict();

/** Per-environment secrets: each key given replaces the top-level one for this environment. */
export const environmentSecretsSchema = z
  .object({
    from: z.array(secretSourceSchema).min(1).optional().describe('Sources for this environment (default: secrets.from).'),
    required: z.array(secretVarName).optional().describe('Names this environment needs (default: secrets.required).'),
    sinks: secretSinksSchema.optional().describe('Mirrors for this environment (default: secrets.sinks).'),
  })
  .strict();

const flagValue = z.union([z.boolean(), z.string(), z.number()]);

/** Feature flags of an environment and the parity policy they must follow. */
export const flagsSchema = z
  .object({
    values: z.record(z.string(), flagValue).default({}).describe('Flag names and their values in this environment.'),
    file: z
      .string()
      .optional()
      .describe('A JSON file (relative to the project) of more flags, { "NAME": true, … }; values win over the file.'),
    off: z.boolean().default(false).describe('Policy: every flag is false here, except the names under except.'),
    matches: z.string().optional().describe('Policy: every flag equals its value in this environment, except the names under except.'),
    except: z.array(z.string()).default([]).describe('Flag names the policy lets differ.'),
  })
  .strict();

/** Built-in pre-flight gates, usable by name in `gates:`. */
export const BUILTIN_GATES = ['secrets-present', 'secret-scan', 'parity'] as const;
export type BuiltinGateName = (typeof BUILTIN_GATES)[number];

/** A built-in gate named in `gates:`; parsed to `{ name, builtin }` so the plan shows it by name. */
export const builtinGateSchema = z
  .enum(BUILTIN_GATES)
  .transform((gate) => ({ name: gate as string, builtin: gate }))
  .describe('secrets-present: every required secret resolves; secret-scan: no secret in the working tree; parity: flags follow their policy.');

/** Events a notification target can be sent. */
export const NOTIFY_EVENTS = [
  'run.started', 'step.escalated', 'gate.refused', 'breach.detected', 'run.rolled_back', 'run.promoted', 'run.finished',
] as const;

const notifyUrl = z
  .string()
  .min(1)
  .describe('Webhook URL; keep it in the environment and reference it as ${NAME}, e.g. ${SLACK_WEBHOOK_URL}.');

/** One notification target: a Slack-compatible incoming webhook or a generic JSON webhook. */
export const notifyTargetSchema = z
  .object({
    name: z.string().optional().describe('Name shown in the run record (default: the kind and the host).'),
    slack: z
      .object({
        url: notifyUrl,
        channel: z.string().optional().describe('Channel override (only webhooks that allow it honour it).'),
        username: z.string().optional().describe('Sender name override.'),
      })
      .strict()
      .optional()
      .describe('Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, …).'),
    webhook: z
      .object({
        url: notifyUrl,
        headers: stringMap.optional().describe('Request headers; values may reference environment variables as ${NAME}.'),
      })
      .strict()
      .optional()
      .describe('Generic webhook: the event is POSTed as JSON.'),
    on: z.array(z.enum(NOTIFY_EVENTS)).min(1).optional().describe('Events sent to this target (default: all).'),
    retries: z.number().int().min(0).max(10).default(3).describe('Extra attempts after a failed delivery.'),
    backoff: duration.default('500ms').describe('Wait before the first retry; it doubles for each later one.'),
    timeout: duration.default('5s').describe('Give up on one attempt after this long.'),
  })
  .strict()
  .superRefine((target, ctx) => {
    const kinds = (['slack', 'webhook'] as const).filter((k) => target[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `a notification target needs exactly one of slack, webhook (found ${kinds.length ? kinds.join(' and ') : 'none'})` });
    }
  });

const notifyList = z
  .array(notifyTargetSchema)
  .describe('Where run events are sent. A failing target never fails a run; it is recorded in the run.');

export const environmentSchema = z
  .object({
    requires: z.array(z.string()).default([]).describe('Environments a release must have passed before this one.'),
    target: targetSchema,
    url: z.string().url().optional().describe("Public URL of the environment (default: the target's URL)."),
    vars: stringMap.default({}).describe('Variables for this environment, overriding top-level vars.'),
    checks: z.array(checkSchema).default([]).describe('Checks run by the `checks` step.'),
    gates: z
      .array(z.union([builtinGateSchema, checkSchema]))
      .default([])
      .describe('Pre-flight gates run before anything changes: checks, or built-in gates by name (secrets-present, secret-scan, parity).'),
    secrets: environmentSecretsSchema.optional().describe('Secret sources, required names and mirrors of this environment.'),
    flags: flagsSchema.optional().describe('Feature flags of this environment and their parity policy.'),
    pipeline: z.array(stepSchema).optional().describe('Steps for this environment (default: the top-level pipeline).'),
    database: databaseSchema.optional().describe("The environment's application database (migrate, backup, database checks)."),
    rollback: z
      .object({
        database: z
          .enum(['keep', 'restore'])
          .default('keep')
          .describe('restore: `runway rollback` also restores the backup taken before the rolled-back migrations.'),
      })
      .strict()
      .optional()
      .describe('How `runway rollback` treats the database.'),
    monitor: monitorSchema
      .optional()
      .describe('Monitoring after a deploy: error rate, latency percentiles and crashes of the release\'s own traffic.'),
    notify: notifyList.optional().describe('Notification targets for this environment, in addition to the top-level ones.'),
    onFailure: z
      .enum(['rollback', 'stop'])
      .default('rollback')
      .describe('What to do when a step fails after the deploy step: roll back to known-good, or stop.'),
  })
  .strict();

export const configSchema = z
  .object({
    project: name.describe('Project name.'),
    release: z
      .object({
        build: z.string().optional().describe('Build command, run once per release in the release directory.'),
        artifact: z.string().default('.').describe('Path inside the release directory whose digest identifies the build.'),
        exclude: z
          .array(z.string())
          .default(['node_modules', '.git'])
          .describe('Directory names left out of the artifact digest.'),
      })
      .strict()
      .default({ artifact: '.', exclude: ['node_modules', '.git'] })
      .describe('How a release is built.'),
    secrets: z
      .object({
        names: z.array(z.string()).default([]).describe('Names of environment variables that are secret.'),
        allowShort: z
          .array(z.string())
          .default([])
          .describe('Secret names allowed to have values under 8 characters (masked, with a recorded warning).'),
        from: z
          .array(secretSourceSchema)
          .min(1)
          .default(['env'])
          .describe('Where values come from, searched in order; the first source with a name wins (docs/secrets.md#sources).'),
        required: z
          .array(secretVarName)
          .default([])
          .describe('Names every environment needs: a run is refused (exit 3) while any is missing.'),
        sinks: secretSinksSchema.default({}).describe('Where `runway secrets sync` mirrors the required names.'),
      })
      .strict()
      .default({ names: [], allowShort: [], from: ['env'], required: [], sinks: {} })
      .describe('Secret handling. Values are never stored in config.'),
    vars: stringMap.default({}).describe('Variables usable as ${{ vars.NAME }} in commands, paths and headers.'),
    journal: z.string().default('.runway/journal.md').describe('Markdown file that gets one entry per run.'),
    notify: notifyList.default([]),
    state: z
      .object({
        url: z
          .string()
          .optional()
          .describe('Postgres URL of a shared state store (overridden by RUNWAY_STATE_URL). Default: embedded PGlite in .runway/state.'),
      })
      .strict()
      .default({})
      .describe('Where Runway keeps releases, runs, locks and audit.'),
    defaults: z
      .object({
        timeout: duration.default('10m').describe('Step timeout.'),
        retries: z.number().int().min(0).max(10).default(1).describe('Extra attempts after a failed step (1 = 2 attempts).'),
      })
      .strict()
      .default({ timeout: '10m', retries: 1 }),
    environments: z
      .record(name, environmentSchema)
      .describe('Environments in promotion order, e.g. staging then production.'),
    pipeline: z
      .array(stepSchema)
      .default(['deploy', 'checks'])
      .describe('Ordered steps every environment runs (unless it has its own pipeline).'),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type CheckConfig = z.output<typeof checkSchema>;
export type HttpCheckConfig = z.output<typeof httpCheckSchema>;
export type CommandCheckConfig = z.output<typeof commandCheckSchema>;
export type StepConfig = z.output<typeof stepSchema>;
export type StepObjectConfig = z.output<typeof stepObjectSchema>;
export type { LocalTargetConfig } from '../targets/local/definition.js';
export type SqlCheckConfig = z.output<typeof sqlCheckSchema>;
export type TablesCheckConfig = z.output<typeof tablesCheckSchema>;
export type RlsCheckConfig = z.output<typeof rlsCheckSchema>;
export type ConnectCheckConfig = z.output<typeof connectCheckSchema>;
export type MigrateStepConfig = z.output<typeof migrateStepSchema>;
export type BackupStepConfig = z.output<typeof backupStepSchema>;
export type RestoreStepConfig = z.output<typeof restoreStepSchema>;
export type DatabaseConfig = z.output<typeof databaseSchema>;
export type SecretSourceConfig = z.output<typeof secretSourceSchema>;
export type SecretSinksConfig = z.output<typeof secretSinksSchema>;
export type FlagsConfig = z.output<typeof flagsSchema>;
export type BuiltinGateConfig = z.output<typeof builtinGateSchema>;
export type MonitorConfig = z.output<typeof monitorSchema>;
export type PrometheusCheckConfig = z.output<typeof prometheusCheckSchema>;
export type JsonCheckConfig = z.output<typeof jsonCheckSchema>;
export type BrowserCheckConfig = z.output<typeof browserCheckSchema>;
export type NotifyTargetConfig = z.output<typeof notifyTargetSchema>;
export type NotifyEventType = (typeof NOTIFY_EVENTS)[number];

/** JSON Schema of runway.yaml (for yaml-language-server and editors). */
export function jsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'runway.yaml' };
}
