import { describe, expect, test } from 'vitest';
import { collectSecrets, looksSecret } from './names.js';

describe('looksSecret', () => {
  test.each([
    'API_KEY', 'stripe_secret_key', 'SUPABASE_SERVICE_KEY', 'CLIENT_SECRET', 'GITHUB_TOKEN', 'gh_token',
    'PASSWORD', 'DB_PASSWORD', 'PASSWORD_FILE', 'SMTP_PASS', 'DATABASE_URL', 'database_url',
    'SHADOW_DATABASE_URL', 'SENTRY_DSN', 'SSH_PRIVATE_KEY',
  ])('%s looks secret', (name) => expect(looksSecret(name)).toBe(true));

  test.each([
    'HOME', 'PATH', 'NODE_ENV', 'KEY', 'TOKEN', 'DSN', 'KEYBOARD_LAYOUT', 'TOKENS_PER_MINUTE', 'PASS_THROUGH',
    'PASSPORT_STRATEGY', 'DATABASE_URL_POOL', 'MY_DATABASE_URLS', 'SECRET_NAME_PREFIX', 'PUBLIC_URL',
  ])('%s does not look secret', (name) => expect(looksSecret(name)).toBe(false));
});

describe('collectSecrets', () => {
  test('picks declared names and names that look secret, skipping empty and missing values', () => {
    const env = {
      STRIPE_SECRET_KEY: 'sk_live_0123456789',
      APP_SIGNING: 'declared-value-123',
      HOME: '/home/app',
      EMPTY_TOKEN: '',
      UNSET_TOKEN: undefined,
    };
    const result = collectSecrets(env, { declared: ['APP_SIGNING', 'MISSING_ONE'] });
    expect(result.secrets).toEqual([
      { name: 'APP_SIGNING', value: 'declared-value-123' },
      { name: 'STRIPE_SECRET_KEY', value: 'sk_live_0123456789' },
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.errors).toEqual([]);
  });

  test('a declared value under 8 characters is an error that names the fix, and is still masked', () => {
    const result = collectSecrets({ FOO: 'hunt2' }, { declared: ['FOO'] });
    expect(result.errors).toEqual([
      'secret FOO is 5 characters; values under 8 characters cannot be masked safely — use a longer value or list it under secrets.allowShort',
    ]);
    expect(result.secrets).toEqual([{ name: 'FOO', value: 'hunt2' }]);
  });

  test('allowShort turns the error into a warning and masks the value', () => {
    const result = collectSecrets({ FOO: 'hunt2' }, { declared: ['FOO'], allowShort: ['FOO'] });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^secret FOO is 5 characters; .*secrets\.allowShort/);
    expect(result.secrets).toEqual([{ name: 'FOO', value: 'hunt2' }]);
  });

  test('a short value whose name only looks secret is a warning and is not masked', () => {
    const result = collectSecrets({ REDIS_PASSWORD: 'abc12' }, { declared: [] });
    expect(result.secrets).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^REDIS_PASSWORD looks like a secret but is only 5 characters/);
  });

  test('counts characters, not bytes, lists declared names first, and never puts a value in a message', () => {
    const env = { A_TOKEN: 'ééééééé', B_TOKEN: 'éééééééé', C: 'xyz' };
    const result = collectSecrets(env, { declared: ['C'] });
    expect(result.secrets.map((s) => s.name)).toEqual(['C', 'B_TOKEN']);
    for (const message of [...result.warnings, ...result.errors]) {
      for (const value of Object.values(env)) expect(message).not.toContain(value);
    }
  });
});

describe('collectSecrets with public names', () => {
  test('a name listed as public is not a secret, even when it looks like one', () => {
    const env = { SUPABASE_ORG_KEY: 'org-made-up-0123456789', SHOP_API_KEY: 'made-up-api-key-0123' };
    const found = collectSecrets(env, { declared: [], public: ['SUPABASE_ORG_KEY'] });
    expect(found.secrets.map((s) => s.name)).toEqual(['SHOP_API_KEY']);
    expect(JSON.stringify(found)).not.toContain('org-made-up');
  });
});
