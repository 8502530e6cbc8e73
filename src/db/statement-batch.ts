/**
 * The statements of one migration sent as one simple-protocol message: one round trip per file instead of one
 * per statement (psql makes one per statement). The server runs them in order and, at the first error, skips the
 * rest of the message, so nothing after a failing statement runs. Which statement failed is known exactly: by the
 * error's position when it has one (a syntax error, found before anything runs), else by the statements the
 * server completed before it (one CommandComplete each). The position is translated back into the failing
 * statement's own text, as if it had been sent alone.
 */
import pg from 'pg';

/** A statement of a batch failed: which one (1-based, among all the file's statements) and the server's error. */
export class StatementError extends Error {
  constructor(readonly statement: number, readonly error: unknown, readonly position?: number) {
    super((error as Error)?.message ?? String(error));
  }
}

// A query that counts the statements the server completed before answering (or failing).
class CountingQuery extends pg.Query {
  completed = 0;

  handleCommandComplete(msg: unknown, connection: unknown): void {
    this.completed++;
    (pg.Query.prototype as unknown as { handleCommandComplete(m: unknown, c: unknown): void }).handleCommandComplete.call(this, msg, connection);
  }
}

/** True when the text holds nothing but comments and whitespace (the server sees no statement in it). */
export function onlyComments(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (depth > 0) {
      if (c === '/' && text[i + 1] === '*') {
        depth++;
        i++;
      } else if (c === '*' && text[i + 1] === '/') {
        depth--;
        i++;
      }
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      if (end < 0) return true;
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      depth = 1;
      i++;
    } else if (!/\s/.test(c)) {
      return false;
    }
  }
  return true;
}

/** The message for statements: each on its own, `\n;\n` between (a newline ends a trailing line comment). */
export function batchText(statements: string[]): { text: string; sent: number[]; starts: number[] } {
  const sent: number[] = [];
  const starts: number[] = [];
  let text = '';
  let chars = 0;
  statements.forEach((s, i) => {
    if (onlyComments(s)) return;
    if (text) {
      text += '\n;\n';
      chars += 3;
    }
    sent.push(i + 1);
    starts.push(chars);
    text += s;
    chars += [...s].length; // the server counts positions in characters, not UTF-16 units
  });
  return { text, sent, starts };
}

/**
 * Runs the statements in one message on the session's client (inside the caller's transaction). Throws a
 * StatementError naming the failing statement, with the error position inside that statement when the server
 * gave one.
 */
export async function runBatch(client: pg.Client, statements: string[]): Promise<void> {
  const { text, sent, starts } = batchText(statements);
  if (!text) return;
  const query = new CountingQuery(text);
  try {
    await new Promise<void>((resolve, reject) => {
      query.on('end', () => resolve());
      query.on('error', reject);
      client.query(query);
    });
  } catch (err) {
    // A syntax error anywhere stops the message before its first statement runs (the server parses it whole), so
    // a position says which statement is at fault; without one, the statements completed before it do.
    const position = Number((err as { position?: string }).position);
    const k = Number.isFinite(position) && position > 0
      ? starts.findLastIndex((start) => start < position)
      : Math.min(query.completed, sent.length - 1);
    throw new StatementError(sent[k]!, err, Number.isFinite(position) && position > 0 ? position - starts[k]! : undefined);
  }
}
