/**
 * The config file's bytes as text: UTF-8 only. A UTF-16 file (told by its byte order mark), a binary file and
 * bytes that are not UTF-8 are refused with what to do, instead of being parsed and echoed as garbage.
 */

/** Decodes the file's bytes, or returns the problem to report (without position: it concerns the whole file). */
export function decodeConfigBytes(bytes: Uint8Array): { text: string } | { problem: string } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { problem: 'is UTF-16 encoded (it starts with a UTF-16 byte order mark): save it as UTF-8' };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: binaryMessage(nul) };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text };
  } catch {
    return { problem: `is not valid UTF-8 (at byte offset ${firstInvalidByte(bytes)}): save it as UTF-8` };
  }
}

/** The problem of text that cannot be a YAML config (NUL characters), or undefined. */
export function textProblem(text: string): string | undefined {
  const nul = text.indexOf('\u0000');
  return nul >= 0 ? binaryMessage(nul) : undefined;
}

// Message for a file with a NUL byte at `offset`.
function binaryMessage(offset: number): string {
  return `looks like a binary file (a NUL byte at offset ${offset}), not YAML text: pass the config file with --config <file>, saved as UTF-8`;
}

// Where the first invalid UTF-8 sequence starts: the length of the longest prefix that decodes (bisection).
function firstInvalidByte(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let low = 0;
  let high = bytes.length;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid));
      low = mid;
    } catch {
      high = mid;
    }
  }
  return low;
}
