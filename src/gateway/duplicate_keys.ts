/**
 * The first top-level key a JSON object text names twice. `JSON.parse` keeps the last value, other
 * parsers the first; a body such as `{"input": [...], "input": "..."}` would mean one thing to
 * Plexus and another to whatever reads it next, so it is refused. One pass over the text.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function duplicateTopLevelKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  /** At depth 1 inside the object, a string that starts now is a key. */
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = stringEnd(text, i);
      if (depth === 1 && expectKey) {
        const raw = text.slice(i, end + 1);
        const key = raw.includes("\\") ? String(JSON.parse(raw)) : raw.slice(1, -1);
        if (seen.has(key)) return key;
        seen.add(key);
        expectKey = false;
      }
      i = end;
    } else if (code === 0x7b || code === 0x5b) { // { [
      depth++;
      expectKey = depth === 1 && code === 0x7b;
    } else if (code === 0x7d || code === 0x5d) { // } ]
      depth--;
    } else if (code === 0x2c && depth === 1) { // ,
      expectKey = true;
    }
  }
  return undefined;
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const next = text.indexOf('"', i);
    if (next < 0) return text.length;
    let backslashes = 0;
    for (let j = next - 1; j > start && text.charCodeAt(j) === BACKSLASH; j--) backslashes++;
    if (backslashes % 2 === 0) return next;
    i = next + 1;
  }
}
