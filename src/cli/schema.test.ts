import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './io.js';
import { register } from './schema.js';

describe('runway schema', () => {
  it('prints the JSON Schema of runway.yaml', async () => {
    let out = '';
    const io: CliIO = { out: (t) => void (out += t), err: () => {}, redact: (t) => t, color: false };
    const program = new Command('runway').exitOverride();
    register(program, io);
    await program.parseAsync(['node', 'runway', 'schema']);
    const schema = JSON.parse(out) as { title: string; type: string; required: string[]; properties: Record<string, { description?: string }> };
    expect(out.endsWith('}\n')).toBe(true);
    expect(schema.title).toBe('runway.yaml');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['project', 'environments']);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['project', 'release', 'secrets', 'vars', 'journal', 'defaults', 'environments', 'pipeline']),
    );
    expect(schema.properties.journal!.description).toBe('Markdown file that gets one entry per run.');
  });
});
