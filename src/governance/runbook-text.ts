/** Small markdown helpers of the generated runbook: inline code, table cells, flow YAML, argument arrays. */
import { stringify } from 'yaml';

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A markdown table cell: `|` escaped, line breaks as spaces. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** A markdown table. */
export function mdTable(headers: string[], rows: string[][]): string[] {
  return [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** A value as one line of flow YAML, the way runway.yaml writes it: `{ path: /health, expect: { status: 200 } }`. */
export function flow(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trimEnd();
}

/** An argument array as a person would type it, as `runway plan` prints it (one function for both). */
export { argvText } from '../exec/argv-text.js';

/** A fenced shell block, indented under a list item. */
export function shBlock(lines: string[], indent = '   '): string[] {
  const fence = lines.some((l) => l.includes('```')) ? '~~~' : '```';
  return [`${indent}${fence}sh`, ...lines.flatMap((l) => l.split('\n')).map((l) => `${indent}${l}`), `${indent}${fence}`];
}

/** A list of names joined for prose, or `none`. */
export function names(list: readonly string[]): string {
  return list.length ? list.join(', ') : 'none';
}
