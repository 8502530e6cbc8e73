/**
 * Workflow commands as the runner parses them from a step's output: `::name key=value,key=value::message`.
 * Escaping follows actions/toolkit (packages/core/src/command.ts): in the message `%`, CR and LF become `%25`,
 * `%0D`, `%0A`; in a property value `:` and `,` also become `%3A` and `%2C`. The runner unescapes both before it
 * acts, so a masked value or an annotation's text arrives exactly as given.
 */

/** Escapes a command's message (its data). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Properties of a command; undefined ones are left out, numbers printed as they are. */
export type CommandProperties = Record<string, string | number | undefined>;

/** One workflow command line, newline included. */
export function workflowCommand(name: string, properties: CommandProperties, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}\n`;
}

/** Where an annotation points: a file (relative to the workspace) and a position in it, and its title. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
}

/** An `::error` / `::warning` / `::notice` annotation. */
export function annotation(level: 'error' | 'warning' | 'notice', message: string, at: AnnotationProperties = {}): string {
  return workflowCommand(level, { title: at.title, file: at.file, line: at.line, col: at.col, endLine: at.endLine, endColumn: at.endColumn }, message);
}
