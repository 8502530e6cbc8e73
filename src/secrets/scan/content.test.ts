import { describe, expect, it } from 'vitest';
import { ContentScanner, isBinary } from './content.js';

const secret = 'made-up/s3cret+value:42';
const scanner = new ContentScanner([{ name: 'SHOP_API_KEY', value: secret }]);
const scan = (text: string) => scanner.scan(Buffer.from(text)).map((f) => [f.line, f.what]);

describe('ContentScanner', () => {
  it.each([
    ['raw', `key = ${secret}`, 'SHOP_API_KEY'],
    ['base64', `auth: ${Buffer.from(secret).toString('base64')}`, 'SHOP_API_KEY (base64)'],
    ['base64 inside a longer base64 string', Buffer.from(`user:${secret}`).toString('base64'), 'SHOP_API_KEY (base64)'],
    ['base64url', Buffer.from(`${secret}??>`).toString('base64url'), /^SHOP_API_KEY \(base64(url)?\)$/],
    ['percent-encoded', `url=${encodeURIComponent(secret)}`, 'SHOP_API_KEY (percent-encoded)'],
    ['JSON-escaped', JSON.stringify({ k: `${secret}"x` }), 'SHOP_API_KEY'],
    ['shell-quoted', `export K='${secret}'`, 'SHOP_API_KEY'],
  ])('finds the value %s, never echoing it', (_, text, what: string | RegExp) => {
    const found = scanner.scan(Buffer.from(`first line\n${text}\n`));
    expect(found.map((f) => [f.line, f.kind])).toContainEqual([2, 'secret']);
    expect(found.some((f) => (typeof what === 'string' ? f.what === what : what.test(f.what)))).toBe(true);
    expect(JSON.stringify(found)).not.toContain(secret);
  });

  it('finds connection strings with inline passwords but not placeholders', () => {
    expect(scan([
      'DATABASE_URL=postgres://app:hunter2-real@db.internal:5432/shop?sslmode=require',
      'REDIS=rediss://default:Zm9vYmFy@cache.example.com:6380',
      'x = "postgresql://app:${DB_PASSWORD}@db/shop"',
      'y = postgres://app:$DB_PASSWORD@db/shop',
      'z = postgres://app:<password>@db/shop and postgres://app:****@db/shop',
      'w = postgres://app:[REDACTED:DB_PASSWORD]@db/shop',
      'v = postgres://app@db/shop',
      'u = https://deploy:ghs_made_up_token_value@github.com/acme/shop.git',
    ].join('\n'))).toEqual([
      [1, 'postgres URL with an inline password'],
      [2, 'rediss URL with an inline password'],
      [8, 'https URL with an inline password'],
    ]);
  });

  it('finds common key formats', () => {
    const text = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      `aws = AKIA${'Z'.repeat(16)}`,
      `gh = ghp_${'a1'.repeat(18)}`,
      `stripe = sk_live_${'x9'.repeat(12)}`,
      `jwt = eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.${'s'.repeat(30)}`,
      'harmless = sk_test_abc AKIA-not-a-key',
    ].join('\n');
    expect(scan(text)).toEqual([
      [1, 'private key'], [2, 'AWS access key id'], [3, 'GitHub token'], [4, 'Stripe live key'], [5, 'JSON Web Token'],
    ]);
  });

  it('reports a current value once, not again as a key format', () => {
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.${'q'.repeat(30)}`;
    const s = new ContentScanner([{ name: 'SUPABASE_SERVICE_KEY', value: jwt }]);
    expect(s.scan(Buffer.from(`KEY=${jwt}\n`)).map((f) => f.what)).toEqual(['SUPABASE_SERVICE_KEY']);
  });

  it('tells binary from text like git', () => {
    expect(isBinary(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]))).toBe(true);
    expect(isBinary(Buffer.from('plain text'))).toBe(false);
  });
});
