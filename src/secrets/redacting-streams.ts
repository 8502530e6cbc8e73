/**
 * Node stream adapters over the incremental redactors: a Transform for pipes (log files, child output) and a
 * writer for terminals, whose bounded hold masks what could still become a secret after a quiet time.
 */
import { Transform } from 'node:stream';
import type { Redactor } from './redact.js';
import { ByteRedactStream, INTERACTIVE_HOLD_MS, TextRedactStream } from './redact-stream.js';

/** Options for the streaming helpers. */
export interface RedactStreamOptions {
  /**
   * For interactive output: quiet time after which held text that could still become a secret is masked
   * as `[REDACTED…]` (see `expireHeld`). 0 holds it until more output shows it cannot match, or the end.
   */
  maxHoldMs?: number;
}

/** A one-shot timer that restarts on every `arm()`, never keeping the process alive. */
function idleTimer(ms: number, onIdle: () => void): { arm(): void; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    arm() {
      if (ms <= 0) return;
      if (timer) timer.refresh();
      else timer = setTimeout(() => ((timer = undefined), onIdle()), ms).unref();
    },
    clear() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * A Transform for piping child-process output to a log file (or, with `maxHoldMs`, a terminal). Works on
 * bytes, so output is byte-exact and multi-byte UTF-8 characters may be split across chunks anywhere.
 * Holds back at most `redactor.maxHoldBack` bytes, and only those that could start a secret form; by
 * default they wait for more output or the end, however long that takes.
 */
export function redactingTransform(redactor: Redactor, opts: RedactStreamOptions = {}): Transform {
  const stream = new ByteRedactStream(redactor.table('bytes'));
  const emit = (pieces: Buffer[]) => {
    for (const piece of pieces) if (piece.length > 0) transform.push(piece);
  };
  const idle = idleTimer(opts.maxHoldMs ?? 0, () => {
    if (!transform.destroyed) emit(stream.expire());
  });
  const transform = new Transform({
    transform(chunk: Buffer | string, encoding, done) {
      emit(stream.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk));
      if (stream.held > 0) idle.arm();
      else idle.clear();
      done();
    },
    flush(done) {
      idle.clear();
      emit(stream.flush());
      done();
    },
    destroy(error, done) {
      idle.clear();
      done(error);
    },
  });
  return transform;
}

/**
 * Wraps a `write(text)` function (a terminal and its log) so everything written through it is redacted.
 * It is interactive by default: after `maxHoldMs` (250 ms) of quiet, held text is shown if it matches
 * at most `MAX_SHOWN_PREFIX` units of a form's start, else masked as `[REDACTED…]`; the rest is
 * written on `end()`.
 */
export function redactingWriter(
  redactor: Redactor,
  write: (text: string) => void,
  opts: RedactStreamOptions = {},
): { write(chunk: string | Buffer): void; end(): void } {
  const stream = new TextRedactStream(redactor.table('text'));
  let ended = false;
  const out = (text: string) => {
    if (text !== '') write(text);
  };
  const idle = idleTimer(opts.maxHoldMs ?? INTERACTIVE_HOLD_MS, () => {
    if (!ended) out(stream.expire());
  });
  return {
    write(chunk) {
      if (ended) throw new Error('cannot write to a redacting writer after end()');
      out(stream.push(chunk));
      if (stream.held > 0) idle.arm();
      else idle.clear();
    },
    end() {
      if (ended) return;
      ended = true;
      idle.clear();
      out(stream.flush());
    },
  };
}
