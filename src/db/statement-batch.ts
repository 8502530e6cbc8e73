/**
 * The statements of one migration sent as one simple-protocol message, with BEGIN before and the tracking row and
 * COMMIT after: one round trip per file instead of one per statement (psql makes one per statement). The server runs them in order and, at the first error, skips the
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

/** Statements Runway adds around a file's own: BEGIN and its settings before, the tracking row and COMMIT after. */
export interface BatchFrame {
  before?: string[];
  after?: string[];
}

/** One statement of a message: its text, its number in the file (0 for the frame's) and where it starts. */
interface Piece {
  text: string;
  statement: number;
  start: number;
}

/**
 * The message: the frame's statements and the file's, each on its own with `\n;\n` between (a newline ends a
 * trailing line comment); comment-only statements are left out (the server would see nothing in them).
 */
export function batchText(statements: string[], frame: BatchFrame = {}): { text: string; pieces: Piece[] } {
  const pieces: Piece[] = [];
  let text = '';
  let chars = 0;
  const add = (piece: string, statement: number) => {
    if (onlyComments(piece)) return;
    if (text) {
      text += '\n;\n';
      chars += 3;
    }
    pieces.push({ text: piece, statement, start: chars });
    text += piece;
    chars += [...piece].length; // the server counts positions in characters, not UTF-16 units
  };
  for (const s of frame.before ?? []) add(s, 0);
  statements.forEach((s, i) => add(s, i + 1));
  for (const s of frame.after ?? []) add(s, 0);
  return { text, pieces };
}

/**
 * Runs the statements, inside `frame`, as one message on the client. Throws a StatementError naming the failing
 * statement of the file (0: one of the frame's), with the error position inside that statement when the server
 * gave one.
 */
export async function runBatch(client: pg.Client, statements: string[], frame: BatchFrame = {}): Promise<void> {
  const { text, pieces } = batchText(statements, frame);
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
    const located = Number.isFinite(position) && position > 0;
    const piece = located
      ? pieces[pieces.findLastIndex((p) => p.start < position)]!
      : pieces[Math.min(query.completed, pieces.length - 1)]!;
    throw new StatementError(piece.statement, err, located ? position - piece.start : undefined);
  }
}
