/**
 * `secrets:` at the top level and per environment: which names are secret, where their values come from (searched
 * in order), which names every environment needs, and where `runway secrets sync` mirrors them. Values are never
 * stored in config.
 */
import { z } from 'zod';
import { duration, secretVarName } from './primitives.js';

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

/** The top-level `secrets:` block. */
export const secretsSchema = z
  .object({
    names: z.array(secretVarName).default([]).describe('Names of environment variables that are secret (names only, never values).'),
    public: z
      .array(secretVarName)
      .default([])
      .describe('Names kept with the secrets whose values are not secret (e.g. an organisation id): not masked, not searched for by secret-scan.'),
    allowShort: z
      .array(secretVarName)
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
  .superRefine((secrets, ctx) => {
    const secret = new Set(secrets.names);
    secrets.public.forEach((name, i) => {
      if (secret.has(name)) {
        ctx.addIssue({ code: 'custom', path: ['public', i], message: `"${name}" is also listed under secrets.names: a name is either secret or public` });
      }
    });
  })
  .default({ names: [], public: [], allowShort: [], from: ['env'], required: [], sinks: {} })
  .describe('Secret handling. Values are never stored in config.');

export type SecretSourceConfig = z.output<typeof secretSourceSchema>;
export type SecretSinksConfig = z.output<typeof secretSinksSchema>;
