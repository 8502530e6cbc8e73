/** The `command:` check block's schema and parsed type, apart from the check's code (reading a config loads this alone). */
import { z } from 'zod';
import { duration, regex, condition } from '../config/primitives.js';

/** Command check: a command whose exit code is the verdict. */
export const commandCheckSchema = z
  .object({
    run: z.string().min(1).describe('Shell command to run (non-interactive, in the project directory).'),
    expect: z
      .object({ exitCode: z.number().int().default(0).describe('Expected exit code.') })
      .strict()
      .default({ exitCode: 0 }),
    timeout: duration.default('1m').describe('Kill the command (phase error) after this long.'),
    metric: z
      .object({
        pattern: regex.describe('Regular expression finding the number in the output; its first group (or the whole match) is read.'),
        condition: condition.describe('Condition on that number, e.g. "< 300ms" (a bare number is in the condition\'s unit).'),
      })
      .strict()
      .optional()
      .describe('Also read a number from the output and judge it (after the exit code passed).'),
  })
  .strict();

/** A parsed `command:` check block. */
export type CommandCheckConfig = z.output<typeof commandCheckSchema>;
