/**
 * A runner that runs nothing: it records every command spec and answers with a canned result.
 * Used by tests (assert the exact commands) and by dry runs (show what would run).
 */
import type { CommandSpec, ProcessResult, Runner } from './runner.js';

/** Records specs and returns `reply(spec)` merged over a successful, empty result. */
export class RecordingRunner implements Runner {
  /** Every spec passed to `run`, in order. */
  readonly calls: CommandSpec[] = [];
  private readonly reply?: (spec: CommandSpec) => Partial<ProcessResult>;

  constructor(reply?: (spec: CommandSpec) => Partial<ProcessResult>) {
    this.reply = reply;
  }

  /** Records the spec; replays the canned output through `onOutput` so streaming callers see it too. */
  async run(spec: CommandSpec): Promise<ProcessResult> {
    this.calls.push(spec);
    const now = new Date().toISOString();
    const result: ProcessResult = {
      command: spec.command,
      exitCode: 0,
      durationMs: 0,
      timedOut: false,
      cancelled: false,
      output: '',
      startedAt: now,
      finishedAt: now,
      ...this.reply?.(spec),
    };
    if (result.output && spec.onOutput) spec.onOutput(result.output, 'stdout');
    return result;
  }

  /** The recorded command strings, for exact assertions. */
  get commands(): string[] {
    return this.calls.map((c) => c.command);
  }
}
