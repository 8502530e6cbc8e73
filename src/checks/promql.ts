/**
 * PromQL checked when the config loads, with the Prometheus project's own parser (@prometheus-io/lezer-promql), so
 * a malformed query fails `runway validate` with its position instead of failing the run. The parser is loaded on
 * the first query checked, never for commands that do not read a prometheus check.
 */
import { createRequire } from 'node:module';
import { z } from 'zod';

/** Where a query stops parsing: the 0-based character offset and what was found there. */
export interface PromqlProblem {
  offset: number;
  message: string;
}

type Parser = { parse(text: string): { iterate(spec: { enter(node: { type: { isError: boolean }; from: number }): false | void }): void } };
let parser: Parser | undefined;

// The lezer PromQL parser, loaded on first use (synchronously, so zod refinements can call it).
function promqlParser(): Parser {
  parser ??= (createRequire(import.meta.url)('@prometheus-io/lezer-promql') as { parser: Parser }).parser;
  return parser;
}

/** The first syntax error of a PromQL expression, or undefined when it parses. */
export function promqlProblem(query: string): PromqlProblem | undefined {
  let offset: number | undefined;
  promqlParser()
    .parse(query)
    .iterate({
      enter(node) {
        if (offset !== undefined) return false;
        if (node.type.isError) {
          offset = node.from;
          return false;
        }
      },
    });
  if (offset === undefined) return undefined;
  const rest = query.slice(offset).trimStart();
  const found = rest ? `unexpected ${JSON.stringify([...rest].slice(0, 12).join(''))}` : 'the query ends too early (an unclosed (, { or [, or a missing operand?)';
  return { offset, message: found };
}

/** A PromQL expression, parsed when the config loads. */
export const promqlQuery = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    // Masked `${{ … }}` references (see config/load.ts) parse as metric names, so references stay allowed.
    const problem = promqlProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: `invalid PromQL at character ${problem.offset + 1} of the query: ${problem.message}` });
  });
