/**
 * The beginning of a text that fits a byte budget once written in JSON: what the offer index
 * keeps of a changelog or an upgrade notice, and the Worker of a deprecation reason, so the
 * index and the check-update answer stay small whatever a release's YAML says.
 */

const ELLIPSIS = "…";
const encoder = new TextEncoder();

/** Bytes of `text` as UTF-8. */
export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** Bytes `text` takes inside a JSON string, as UTF-8 (escapes counted). */
export function jsonTextBytes(text: string): number {
  return utf8Bytes(JSON.stringify(text)) - 2;
}

/**
 * `text` when it fits in `maxBytes` (JSON-escaped UTF-8); else its beginning, cut at the last
 * line end or space in the second half of what fits (else at a character), trimmed, and "…".
 */
export function excerptText(text: string, maxBytes: number): string {
  if (jsonTextBytes(text) <= maxBytes) return text;
  const budget = maxBytes - jsonTextBytes(ELLIPSIS);
  let used = 0;
  let end = 0;
  for (const character of text) {
    const bytes = jsonTextBytes(character);
    if (used + bytes > budget) break;
    used += bytes;
    end += character.length;
  }
  let cut = text.slice(0, end);
  const line = cut.lastIndexOf("\n");
  const space = cut.lastIndexOf(" ");
  if (line >= cut.length / 2) cut = cut.slice(0, line);
  else if (space >= cut.length / 2) cut = cut.slice(0, space);
  return `${cut.trimEnd()}${ELLIPSIS}`;
}
