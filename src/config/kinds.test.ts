import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../checks/index.js';
import { STEPS } from '../steps/index.js';
import { CHECK_KINDS, STEP_KINDS, STRING_STEP_KINDS, checkSchema, stepObjectSchema, stepSchema } from './schema.js';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('the config schema is derived from the kind lists', () => {
  it('a check has an optional name and one key per check kind, described by its definition', () => {
    expect(CHECK_KINDS).toEqual(CHECKS.map((d) => d.kind));
    expect(Object.keys(checkSchema.shape)).toEqual(['name', ...CHECK_KINDS]);
    for (const d of CHECKS) expect(checkSchema.shape[d.kind].description).toBe(d.description);
  });

  it('a step object has one key per step kind, then the options every step has', () => {
    expect(STEP_KINDS).toEqual(STEPS.map((d) => d.kind));
    expect(Object.keys(stepObjectSchema.shape).slice(0, STEP_KINDS.length)).toEqual([...STEP_KINDS]);
    for (const d of STEPS) expect(stepObjectSchema.shape[d.kind].description).toBe(d.description);
  });

  it('only kinds declared bare may be written as a bare string', () => {
    expect(STRING_STEP_KINDS).toEqual(STEPS.filter((d) => d.bare).map((d) => d.kind));
    expect(STRING_STEP_KINDS).not.toContain('run');
    for (const kind of STRING_STEP_KINDS) expect(stepSchema.safeParse(kind).success).toBe(true);
    expect(stepSchema.safeParse('run').success).toBe(false);
  });
});

// The relative imports of every source file that survive compilation (type-only imports are erased).
function runtimeImports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.test.ts')) graph.set(path, importsOf(path));
    }
  };
  walk(SRC);
  return graph;
}

// Relative specifiers of the value imports and re-exports of one file.
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const [, clause, spec] of text.matchAll(/^(?:import|export)\s+([^'";]*?)\s*from\s*['"](\.[^'"]+)['"]/gms)) {
    if (/^type\s/.test(clause!)) continue;
    const named = clause!.match(/^\{([^}]*)\}$/s);
    if (named && named[1]!.split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '))) continue;
    found.push(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
  }
  return found;
}

// A shortest import path from `file` back to itself, if any.
function cycleThrough(graph: Map<string, string[]>, file: string): string[] | undefined {
  const parent = new Map<string, string>();
  const queue = [file];
  while (queue.length) {
    const at = queue.shift()!;
    for (const next of graph.get(at) ?? []) {
      if (next === file) {
        const path = [at];
        while (parent.has(path[0]!)) path.unshift(parent.get(path[0]!)!);
        return [...path, file].map((p) => relative(SRC, p));
      }
      if (!parent.has(next) && next !== file) {
        parent.set(next, at);
        queue.push(next);
      }
    }
  }
  return undefined;
}

describe('import cycles', () => {
  // The kind lists are read at module top level to build the schema: a cycle through them fails at load time,
  // depending on which module is imported first.
  it.each(['config/schema.ts', 'checks/index.ts', 'steps/index.ts', 'targets/index.ts'])('%s is on no runtime import cycle', (file) => {
    const graph = runtimeImports();
    expect(graph.has(join(SRC, file))).toBe(true);
    expect(cycleThrough(graph, join(SRC, file))).toBeUndefined();
  });
});
