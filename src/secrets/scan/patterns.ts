/**
 * What the leak scan looks for besides the project's own secret values: common key formats, and connection
 * strings that carry a password inline (`postgres://user:pass@host/db`). Placeholders (`$DB_PASSWORD`,
 * `${{ … }}`, `<password>`, `****`, `[REDACTED:…]`) are not leaks.
 */

/** A key format: what it is called and a global regular expression over the text. */
export interface KeyPattern {
  what: string;
  regex: RegExp;
}

/** Key formats with a recognisable shape (prefixes issued by the vendor, PEM headers). */
export const KEY_PATTERNS: readonly KeyPattern[] = [
  { what: 'private key', regex: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/g },
  { what: 'AWS access key id', regex: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { what: 'GitHub token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/g },
  { what: 'Slack token', regex: /\bxox[abeprs]-[A-Za-z0-9-]{10,}/g },
  { what: 'Stripe live key', regex: /\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b/g },
  { what: 'Google API key', regex: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { what: 'npm token', regex: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { what: 'Supabase secret key', regex: /\bsb_secret_[A-Za-z0-9_-]{20,}/g },
  { what: 'Anthropic or OpenAI key', regex: /\bsk-(?:ant-[a-z0-9]+-|proj-)[A-Za-z0-9_-]{32,}/g },
  { what: 'JSON Web Token', regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g },
];

// Schemes whose URLs may carry a password inline.
const SCHEMES = 'postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver|cockroachdb|clickhouse|https?|s?ftp|smtps?';

/** `scheme://user:password@host` with the password part captured as group 2. */
export const CONNECTION_STRING = new RegExp(`\\b(${SCHEMES})://[^\\s:@/'"\`<>]+:([^\\s@/'"\`<>]+)@[\\w.[\\]-]+`, 'gi');

const PLACEHOLDER =
  /^(?:\$\{?\w+\}?|\$\{\{.*|\{\{.*|<[^>]*>|%[sv]|\*+|x{3,}|X{3,}|\.{3}|…|\[REDACTED[^\]]*\]?.*|pass(?:word)?|secret|changeme|your[-_]?password|pwd|redacted|hidden)$/i;

/** True when the password of a connection string is a placeholder, not a value. */
export function isPlaceholder(password: string): boolean {
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // Not percent-encoded: judge it as written.
  }
  return PLACEHOLDER.test(password) || PLACEHOLDER.test(decoded);
}
