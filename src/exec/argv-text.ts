/** An argument array as a person would type it: plain words bare, anything else JSON-quoted. */
export function argvText(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./<>()\[\]-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}
