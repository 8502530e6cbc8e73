/**
 * The forms a secret value takes in output: raw, line by line, base64 and base64url (also when the
 * value sits inside a longer base64 string), percent-encoded, JSON-escaped, shell-quoted (also as bash's
 * `printf %q` writes it) and shell-quoted then JSON-escaped. The redactor masks every form listed here.
 */

/** What produced a form; used by tests and docs. */
export type FormKind = 'raw' | 'line' | 'base64' | 'base64url' | 'percent' | 'json' | 'shell';

/** One text that must never appear in output because it reveals a secret value. */
export interface SecretForm {
  kind: FormKind;
  text: string;
}

/** Base64 fragments and lines shorter than this are too generic to mask. */
export const MIN_FORM_LENGTH = 8;

// RFC 3986 gen-delims and sub-delims, plus '%' itself (a literal '%' must always be encoded).
const RESERVED = /[:/?#[\]@!$&'()*+,;=%]/g;
// Everything but RFC 3986 unreserved characters (what Python's quote(s, safe='') encodes).
const NOT_UNRESERVED = /[^A-Za-z0-9\-._~]/gu;
// Characters a conservative shell quoter leaves alone; everything else ASCII gets a backslash.
const SHELL_UNSAFE = /[^A-Za-z0-9%+,./:=@_\-\u0080-\uffff]/g;
// What bash's `printf %q` backslash-escapes anywhere in a word (`#` and `~` only at its start).
const BASH_Q_UNSAFE = /[ \t!"$&'()*,;<>?[\\\]^`{|}]/g;
// Characters that make bash's `printf %q` switch to ANSI-C quoting ($'…').
const CONTROL = /[\u0000-\u001f\u007f]/;
const ANSI_C: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\u001b': '\\E', '\\': '\\\\', "'": "\\'" };

/** Every distinct form of `value`, longest first. Empty for an empty value. */
export function secretForms(value: string): SecretForm[] {
  if (value === '') return [];
  const forms = new Map<string, FormKind>();
  const add = (kind: FormKind, text: string) => {
    if (text !== '' && !forms.has(text)) forms.set(text, kind);
  };
  add('raw', value);
  for (const [kind, text] of textForms(value)) add(kind, text);
  for (const line of valueLines(value)) {
    add('line', line);
    for (const [kind, text] of textForms(line)) add(kind, text);
  }
  for (const text of base64Forms(value)) add('base64', text);
  for (const text of base64Forms(value)) add('base64url', toBase64Url(text));
  return [...forms].map(([text, kind]) => ({ kind, text })).sort((a, b) => b.text.length - a.text.length);
}

/** Lines of a multi-line value that are long enough to mask on their own. */
export function valueLines(value: string): string[] {
  if (!/[\r\n]/.test(value)) return [];
  return value.split(/\r\n|\r|\n/).filter((line) => [...line].length >= MIN_FORM_LENGTH);
}

/**
 * Base64 of the value's UTF-8 bytes: the whole encoding with and without `=` padding, and for each
 * byte offset 0, 1, 2 (mod 3) the middle characters that stay the same whatever bytes surround the
 * value inside a longer base64 string.
 */
export function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const full = bytes.toString('base64');
  const out = [full, full.replace(/=+$/, '')];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Character i carries bits [6i, 6i+6); keep those that come only from the value's bytes.
    const first = Math.ceil((8 * offset) / 6);
    const last = Math.floor((8 * (offset + bytes.length)) / 6);
    const fragment = encoded.slice(first, last);
    if (fragment.length >= MIN_FORM_LENGTH) out.push(fragment);
  }
  return out;
}

/** Percent-encoded forms: encodeURIComponent, strict RFC 3986, reserved characters only, form encoding. */
export function percentForms(value: string): string[] {
  const out: string[] = [];
  try {
    out.push(encodeURIComponent(value));
  } catch {
    // A lone surrogate cannot be percent-encoded; such a value only appears in its other forms.
    return [];
  }
  out.push(value.replace(NOT_UNRESERVED, percentEncode));
  out.push(value.replace(RESERVED, percentEncode));
  out.push(new URLSearchParams({ v: value }).toString().slice(2));
  return [...out, ...out.map((text) => text.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()))];
}

/** JSON string contents: JSON.stringify without quotes, with `\uXXXX` for non-ASCII, and escaped twice. */
export function jsonForms(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  const ascii = once.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [once, ascii, JSON.stringify(once).slice(1, -1)];
}

/**
 * Shell-quoted forms: inside single quotes (`'\''`), backslash-escaped, inside double quotes, and as bash's
 * `printf %q` writes it (backslashes, or the inside of `$'…'` for a value with control characters, with
 * non-ASCII characters as they are and as octal bytes).
 */
export function shellForms(value: string): string[] {
  return [...new Set([
    value.replace(/'/g, `'\\''`),
    value.replace(SHELL_UNSAFE, (c) => `\\${c}`),
    value.replace(/[\\"$`]/g, (c) => `\\${c}`),
    ...bashQuoted(value),
  ])];
}

/** Shell forms once more as JSON string contents: a `printf %q` value written into a JSON document. */
export function shellJsonForms(value: string): string[] {
  return shellForms(value).flatMap((text) => jsonForms(text).slice(0, 2));
}

// What `printf %q` prints for a value, in a UTF-8 and in the C locale.
function bashQuoted(value: string): string[] {
  if (CONTROL.test(value) || /[^\u0000-\u007f]/.test(value)) {
    const utf8 = ansiC(value, false);
    const octal = ansiC(value, true);
    const plain = CONTROL.test(value) ? [] : [bashBackslashed(value)];
    return [...plain, utf8, octal];
  }
  return [bashBackslashed(value)];
}

// Backslash quoting as `printf %q` does it for a value without control characters.
function bashBackslashed(value: string): string {
  return value.replace(BASH_Q_UNSAFE, (c) => `\\${c}`).replace(/^[#~]/, (c) => `\\${c}`);
}

// The inside of bash's $'…' quoting; `octal` writes non-ASCII characters as their UTF-8 bytes (C locale).
function ansiC(value: string, octal: boolean): string {
  let out = '';
  for (const c of value) {
    const code = c.codePointAt(0)!;
    if (ANSI_C[c]) out += ANSI_C[c];
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else if (code > 0x7f && octal) for (const byte of Buffer.from(c, 'utf8')) out += `\\${byte.toString(8)}`;
    else out += c;
  }
  return out;
}

/** Turns standard base64 into base64url. */
export function toBase64Url(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_');
}

// The escaping forms of one piece of text, tagged with their kind.
function textForms(text: string): [FormKind, string][] {
  return [
    ...percentForms(text).map((t): [FormKind, string] => ['percent', t]),
    ...jsonForms(text).map((t): [FormKind, string] => ['json', t]),
    ...shellForms(text).map((t): [FormKind, string] => ['shell', t]),
    ...shellJsonForms(text).map((t): [FormKind, string] => ['shell', t]),
  ];
}

// %XX of each UTF-8 byte of one character, upper-case hex.
function percentEncode(char: string): string {
  let out = '';
  for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}
