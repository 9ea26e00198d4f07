/**
 * YAML text → plain value plus a locator that maps a field path back to line:col, so
 * schema errors can point at the place a person has to edit.
 */
import {
  Composer,
  type CST,
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
  visit,
  type YAMLError,
  YAMLParseError,
} from "yaml";
import type { z } from "zod";
import { describeFound, type Position, type Problem, problemAt, START_OF_FILE } from "./problems.ts";

export type FieldPath = readonly (string | number)[];

export interface ParsedYaml {
  value: unknown;
  /** Where the value at `path` starts; the nearest existing ancestor when it is missing. */
  locate(path: FieldPath, part?: "key" | "value"): Position;
  /** The value at `path` as written in the file (scalars only), e.g. "1.0" for the number 1. */
  sourceText(path: FieldPath): string | undefined;
  problems: Problem[];
}

/**
 * The largest YAML file read, in bytes: checked before parsing, so a huge file costs neither
 * memory nor time. A real plugin.yaml or release file is a few KiB; the largest free-text
 * fields (schema.ts TEXT_LIMITS) fit many times over.
 */
export const MAX_YAML_FILE_BYTES = 1024 * 1024;

/**
 * Parse one YAML file. Given bytes (as read from disk), they are checked first: at most
 * MAX_YAML_FILE_BYTES, valid UTF-8 (the first bad byte is pointed at; nothing is replaced by
 * U+FFFD), and only characters YAML 1.2 allows (checkCharacters). Given text, only the characters.
 */
export function parseYaml(file: string, input: string | Uint8Array): ParsedYaml {
  const lineCounter = new LineCounter();
  const { text, tokens, problems: early, refused } = checkBeforeParsing(file, input, lineCounter);
  if (early.length > 0) {
    return { value: undefined, locate: () => START_OF_FILE, sourceText: () => undefined, problems: early };
  }
  const doc = composeDocument(text, tokens, lineCounter);
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const problems = findDocumentProblems(file, doc, refused, toPosition);
  const value = problems.length === 0 ? toPlainValue(file, doc, toPosition, problems) : undefined;
  return {
    value,
    locate: (path, part = "value") => locateIn(doc, path, part, toPosition),
    sourceText: (path) => {
      const node = nodeAt(doc, path);
      return isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]) : undefined;
    },
    problems,
  };
}

type ToPosition = (offset: number) => Position;
type Token = CST.Token;

/** A token scanTokens refuses, with why. */
interface RefusedToken {
  offset: number;
  message: string;
}

/**
 * What is refused before the YAML library composes anything: the bytes (see decodeYamlBytes),
 * the characters, and nesting deeper than MAX_NESTING (the composer and everything after it
 * recurse once per level). Also returns the tokens scanTokens refused, reported with the rest.
 */
function checkBeforeParsing(
  file: string,
  input: string | Uint8Array,
  lineCounter: LineCounter,
): { text: string; tokens: Token[]; problems: Problem[]; refused: RefusedToken[] } {
  const decoded = typeof input === "string" ? { text: input, problems: [] } : decodeYamlBytes(file, input);
  const text = decoded.text;
  const problems = [...decoded.problems, ...checkCharacters(file, text)];
  if (problems.length > 0) return { text, tokens: [], problems, refused: [] };
  // Parsed once: the same tokens are scanned here and composed into the document after.
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const scanned = scanTokens(text, tokens);
  if (scanned.tooDeep !== null) {
    const message = `nested more than ${MAX_NESTING} levels deep (the fields nest at most two levels)`;
    problems.push(problemAt(file, positionAfter(text.slice(0, scanned.tooDeep)), message));
  }
  return { text, tokens, problems, refused: scanned.refused };
}

/**
 * The document the tokens make, exactly as the library's parseDocument composes it (a second
 * document is an error, not a value), without lexing and parsing the text a second time.
 */
function composeDocument(text: string, tokens: Token[], lineCounter: LineCounter): Document.Parsed {
  const composer = new Composer({ lineCounter, prettyErrors: false, uniqueKeys: true });
  let doc: Document.Parsed | null = null;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          "MULTIPLE_DOCS",
          "Source contains multiple documents; please use YAML.parseAllDocuments()",
        ),
      );
      break;
    }
  }
  // compose(…, true, …) ends with a document even for empty text.
  return doc as Document.Parsed;
}

/**
 * The parser's errors and warnings, the refused tokens, and keys that are not plain text, one
 * per line. error.linePos is only filled in with prettyErrors; error.pos (offsets) always is.
 * Later errors on a line are the parser tripping over the first one, not news to a person.
 */
function findDocumentProblems(file: string, doc: Document, refused: RefusedToken[], toPosition: ToPosition): Problem[] {
  const problems: Problem[] = [];
  const report = (offset: number, message: string) => {
    const at = toPosition(offset);
    if (problems.some((problem) => problem.line === at.line)) return;
    problems.push(problemAt(file, at, message));
  };
  for (const error of doc.errors) {
    const { offset, message } = describeYamlError(doc, error, toPosition);
    report(offset, `invalid YAML: ${message}`);
  }
  for (const { offset, message } of refused) report(offset, message);
  // Anything else the parser found odd enough to mention is not something to publish silently.
  for (const warning of doc.warnings) report(warning.pos[0], `invalid YAML: ${firstLine(warning.message)}`);
  // A list or mapping as a key (`? [a, b]`, `[a]: 1`) would become the text "[ a, b ]".
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (key && !isScalar(key) && key.range)
        report(key.range[0], "a field name must be plain text, not a list or mapping");
    },
  });
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** The plain value, or a problem: an alias to an anchor that is not defined (pointed at), or aliases that expand too often. */
function toPlainValue(file: string, doc: Document, toPosition: ToPosition, problems: Problem[]): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    let at = START_OF_FILE;
    visit(doc, {
      Alias(_, alias) {
        if (alias.range && alias.resolve(doc) === undefined) {
          at = toPosition(alias.range[0]);
          return visit.BREAK;
        }
      },
    });
    problems.push(problemAt(file, at, `invalid YAML: ${firstLine((error as Error).message)}`));
    return undefined;
  }
}

function nodeAt(doc: Document, path: FieldPath): Node | null {
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      node = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment))?.value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
    } else {
      return null;
    }
  }
  return (node as Node | undefined) ?? null;
}

/** Where the value (or key) at `path` starts; the nearest existing ancestor when it is missing. */
function locateIn(doc: Document, path: FieldPath, part: "key" | "value", toPosition: ToPosition): Position {
  let node: unknown = doc.contents;
  let found: Node | null = (doc.contents as Node | null) ?? null;
  for (const [index, segment] of path.entries()) {
    const isLast = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      if (isLast && part === "key" && isScalar(pair.key)) return toPosition(pair.key.range?.[0] ?? 0);
      node = pair.value;
      found = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      node = item;
      found = item;
    } else {
      break;
    }
  }
  return found?.range ? toPosition(found.range[0]) : START_OF_FILE;
}

/**
 * Bytes → text, refusing what would silently change it: more than MAX_YAML_FILE_BYTES (before
 * anything is decoded), and bytes that are not UTF-8, which a lenient decoder would publish as
 * U+FFFD. One UTF-8 byte-order mark at the very start is accepted and dropped (editors on
 * Windows write one; it carries no content and YAML allows it there); a BOM anywhere else is
 * refused by checkCharacters.
 */
function decodeYamlBytes(file: string, bytes: Uint8Array): { text: string; problems: Problem[] } {
  if (bytes.length > MAX_YAML_FILE_BYTES) {
    const limit = `${MAX_YAML_FILE_BYTES / (1024 * 1024)} MiB (${MAX_YAML_FILE_BYTES} bytes)`;
    return {
      text: "",
      problems: [problemAt(file, START_OF_FILE, `file is larger than ${limit}, the limit for a YAML file`)],
    };
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), problems: [] };
  } catch {
    const offset = Math.max(0, firstInvalidUtf8Byte(bytes));
    // The position counts characters as an editor does: decode the (valid) bytes before it.
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, offset));
    const byte = (bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    return {
      text: "",
      problems: [
        problemAt(
          file,
          positionAfter(before),
          `invalid UTF-8 (byte 0x${byte} at byte offset ${offset}): save the file as UTF-8`,
        ),
      ],
    };
  }
}

/** Where the first malformed UTF-8 sequence starts (the Unicode standard's well-formed table); -1 when none. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0;
    if (lead < 0x80) {
      index++;
      continue;
    }
    let length: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) lower = 0xa0; // overlong
      if (lead === 0xed) upper = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) lower = 0x90; // overlong
      if (lead === 0xf4) upper = 0x8f; // above U+10FFFF
    } else {
      return index;
    }
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      if (byte === undefined || byte < lower || byte > upper) return index;
      lower = 0x80;
      upper = 0xbf;
    }
    index += length;
  }
  return -1;
}

/** Line and column of the character after `before`, counted as the YAML LineCounter counts. */
function positionAfter(before: string): Position {
  const lastBreak = before.lastIndexOf("\n");
  let line = 1;
  for (let index = before.indexOf("\n"); index !== -1; index = before.indexOf("\n", index + 1)) line++;
  return { line, col: before.length - lastBreak };
}

/**
 * YAML 1.2 allows only printable characters in a stream (its c-printable production): no C0 or
 * C1 control characters except tab, line feed, carriage return and next-line, no U+FFFE/U+FFFF,
 * and a byte-order mark only at the start. A NUL, an escape sequence that rewrites a terminal,
 * or an invisible BOM inside a changelog would otherwise be published as they are.
 */
function checkCharacters(file: string, text: string): Problem[] {
  for (let offset = text.startsWith("\ufeff") ? 1 : 0; offset < text.length; offset++) {
    const code = text.charCodeAt(offset);
    if (!isRefusedCharacter(code)) continue;
    const name = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
    const message =
      code === 0xfeff
        ? `character ${name} (a byte-order mark) is only allowed at the start of the file`
        : `character ${name} (a control character) is not allowed in YAML`;
    return [problemAt(file, positionAfter(text.slice(0, offset)), message)];
  }
  return [];
}

function isRefusedCharacter(code: number): boolean {
  if (code < 0x20) return code !== 0x09 && code !== 0x0a && code !== 0x0d;
  if (code >= 0x7f && code <= 0x9f) return code !== 0x85;
  return code === 0xfeff || code === 0xfffe || code === 0xffff;
}

/** How deeply lists and mappings may nest: plugin.yaml nests two levels (banners.low). */
export const MAX_NESTING = 16;

/**
 * Walk the parser's tokens (without recursion: depth is what is being checked) for YAML
 * features that change what a value is, and for nesting beyond MAX_NESTING. Refused: tags
 * (`!evil`, `!!binary` reads as bytes, `!!str`), anchors and aliases (one value in several
 * places, and the billion-laughs expansion), and directives (`%YAML 1.1` reads `yes` as true,
 * `%TAG` renames tags). The files are plain fields; none of these is needed to write one, so
 * each is refused where it is written rather than given a meaning.
 */
function scanTokens(text: string, tokens: Token[]): { refused: RefusedToken[]; tooDeep: number | null } {
  const refused: RefusedToken[] = [];
  const collections = new Set(["block-map", "block-seq", "flow-collection"]);
  const stack: { token: unknown; depth: number }[] = tokens.map((token) => ({
    token,
    depth: 0,
  }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop() as { token: unknown; depth: number };
    if (Array.isArray(token)) {
      for (const item of token) stack.push({ token: item, depth });
      continue;
    }
    if (!token || typeof token !== "object") continue;
    const { type, offset, source } = token as { type?: unknown; offset?: unknown; source?: unknown };
    let inner = depth;
    if (typeof type === "string" && typeof offset === "number") {
      if (collections.has(type)) {
        inner = depth + 1;
        if (inner > MAX_NESTING) return { refused, tooDeep: offset };
      }
      const written = typeof source === "string" ? source.trim() : "";
      if (type === "tag") {
        const hint = written === "!!str" ? ` (write text in quotes: ${quoteAfter(text, offset + written.length)})` : "";
        refused.push({ offset, message: `YAML tag ${written} is not allowed${hint}` });
      } else if (type === "anchor") {
        refused.push({ offset, message: `YAML anchor ${written} is not allowed: write the value out` });
      } else if (type === "alias") {
        refused.push({ offset, message: `YAML alias ${written} is not allowed: write the value out` });
      } else if (type === "directive") {
        refused.push({ offset, message: `YAML directive ${written} is not allowed: the files are read as YAML 1.2` });
      }
    }
    for (const value of Object.values(token)) {
      if (value && typeof value === "object") stack.push({ token: value, depth: inner });
    }
  }
  return { refused: refused.sort((a, b) => a.offset - b.offset), tooDeep: null };
}

/** The plain value written after a tag, in double quotes: what to write instead of `!!str 7.4`. */
function quoteAfter(text: string, offset: number): string {
  const rest = text.slice(offset).split("\n")[0]?.trim() ?? "";
  return JSON.stringify(rest);
}

function firstLine(message: string): string {
  return message.split("\n")[0]?.trim() ?? message;
}

/** The YAML library's message, pointed at (and phrased for) what a person has to edit. */
function describeYamlError(
  doc: Document,
  error: YAMLError,
  toPosition: (offset: number) => Position,
): { offset: number; message: string } {
  const [start] = error.pos;
  if (error.code === "MULTIPLE_DOCS") {
    return { offset: start, message: "a second document starts here (---); expected a single mapping of fields" };
  }
  if (error.code === "DUPLICATE_KEY") {
    let message = firstLine(error.message);
    visit(doc, {
      Map(_, map) {
        const at = map.items.findIndex((pair) => isScalar(pair.key) && pair.key.range?.[0] === start);
        const key = map.items[at]?.key;
        if (!isScalar(key)) return;
        const first = map.items.find((pair) => isScalar(pair.key) && pair.key.value === key.value)?.key;
        const line = isScalar(first) && first.range ? toPosition(first.range[0]).line : null;
        message = `duplicate field "${String(key.value)}"${line ? ` (already set on line ${line})` : ""}`;
        return visit.BREAK;
      },
    });
    return { offset: start, message };
  }
  if (error.code === "MISSING_CHAR" && /closing .?quote/i.test(error.message)) {
    // Reported where the text ends (often the end of the file); the opening quote is what to fix.
    let opening = start;
    visit(doc, {
      Scalar(_, scalar) {
        const quoted = scalar.type === "QUOTE_DOUBLE" || scalar.type === "QUOTE_SINGLE";
        if (quoted && scalar.range && scalar.range[1] === start) {
          opening = scalar.range[0];
          return visit.BREAK;
        }
      },
    });
    return { offset: opening, message: `${firstLine(error.message)} for the text that starts here` };
  }
  const nested = error.code === "BLOCK_AS_IMPLICIT_KEY" && error.message.startsWith("Nested mappings");
  if (nested || error.code === "MULTILINE_IMPLICIT_KEY") {
    // `status: released` followed by an over-indented `  released_at: ...` reads as one value.
    return { offset: start, message: `${firstLine(error.message)} (is a line below this one indented too far?)` };
  }
  return { offset: start, message: firstLine(error.message) };
}

/** Validate a parsed YAML value against a schema; every issue becomes a positioned problem. */
export function validateYaml<S extends z.ZodType>(
  file: string,
  parsed: ParsedYaml,
  schema: S,
): { data: z.output<S> | null; problems: Problem[] } {
  if (parsed.problems.length > 0) return { data: null, problems: parsed.problems };
  if (parsed.value === null || parsed.value === undefined) {
    return {
      data: null,
      problems: [problemAt(file, START_OF_FILE, "expected a mapping of fields, found an empty file")],
    };
  }
  const result = schema.safeParse(parsed.value, { reportInput: true });
  if (result.success) return { data: result.data, problems: [] };
  const problems: Problem[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(schema, issue.path);
      for (const key of issue.keys) {
        const closest = allowed ? closestName(key, allowed) : null;
        const guess = closest ? ` (did you mean "${closest}"?)` : "";
        const hint = allowed ? `; expected one of: ${allowed.join(", ")}` : "";
        problems.push(problemAt(file, parsed.locate([...path, key], "key"), `unknown field "${key}"${guess}${hint}`));
      }
      continue;
    }
    const field = path.length > 0 ? `${path.join(".")}: ` : "";
    problems.push(problemAt(file, parsed.locate(path), `${field}${describeIssue(issue, parsed.sourceText(path))}`));
  }
  return { data: null, problems };
}

/**
 * What was found, as it was written: YAML reads `1.0` as the number 1, and "found number 1"
 * would send a person looking for a 1 that is not in the file.
 */
function describeFoundAsWritten(input: unknown, written: string | undefined): string {
  if (written === undefined || typeof input === "string" || typeof input === "object") {
    if (input === null && written === "") return "an empty value";
    return describeFound(input);
  }
  return `${typeof input} ${shorten(written)}`;
}

/** At most 60 characters of what was written, as describeFound shortens a text. */
function shorten(written: string): string {
  return written.length > 60 ? `${written.slice(0, 57)}...` : written;
}

function describeIssue(issue: z.core.$ZodIssue, written: string | undefined): string {
  const input = (issue as { input?: unknown }).input;
  const found = `found ${describeFoundAsWritten(input, written)}`;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return `required field is missing (expected ${article(issue.expected)})`;
      if (issue.expected === "string" && (typeof input === "number" || typeof input === "boolean")) {
        // `requires_php: 7.4` and `version: 1.0` are numbers to YAML; quotes make them text.
        return `expected a text, ${found} (write it in quotes: "${shorten(written ?? String(input))}")`;
      }
      return `expected ${article(issue.expected)}, ${found}`;
    case "invalid_value":
      if (input === undefined) {
        return `required field is missing (expected one of ${issue.values.map((v) => String(v)).join(", ")})`;
      }
      return `expected one of ${issue.values.map((v) => String(v)).join(", ")}, ${found}`;
    case "too_small":
      if (issue.origin === "string") return `expected a non-empty text, ${found}`;
      if (issue.origin === "array") return `expected at least ${issue.minimum} item(s), ${found}`;
      return `expected at least ${issue.minimum}, ${found}`;
    case "too_big":
      // The limit and how far over it the value is; quoting a 60 000-character text would not help.
      if (issue.origin === "string" && typeof input === "string") {
        return `expected at most ${issue.maximum} characters, found a text of ${input.length}`;
      }
      if (issue.origin === "array" && Array.isArray(input)) {
        return `expected at most ${issue.maximum} items, found ${input.length}`;
      }
      return `expected at most ${issue.maximum}, ${found}`;
    case "invalid_format":
      return `${issue.message.startsWith("expected") ? issue.message : `expected ${issue.format}`}, ${found}`;
    default:
      return `${issue.message}, ${found}`;
  }
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: "a text",
    number: "a number",
    boolean: "true or false",
    object: "a mapping",
    array: "a list",
    int: "a whole number",
  };
  return names[type] ?? type;
}

function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] | null {
  let current: unknown = schema;
  for (const segment of path) {
    const shape = shapeOf(current);
    if (!shape) return null;
    current = unwrap(shape[String(segment)]);
  }
  const shape = shapeOf(current);
  return shape ? Object.keys(shape).filter((key) => key !== "$schema") : null;
}

function shapeOf(schema: unknown): Record<string, unknown> | null {
  const shape = (schema as { shape?: Record<string, unknown> } | null)?.shape;
  return shape && typeof shape === "object" ? shape : null;
}

function unwrap(schema: unknown): unknown {
  let current = schema as { unwrap?: () => unknown } | undefined;
  while (current && typeof current.unwrap === "function") current = current.unwrap() as typeof current;
  return current;
}

/** The allowed name a misspelt one was most likely meant to be: at most 2 edits away (or 1 for short names). */
function closestName(name: string, allowed: readonly string[]): string | null {
  let best: { name: string; distance: number } | null = null;
  for (const candidate of allowed) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  const limit = name.length <= 4 ? 1 : 2;
  return best && best.distance <= limit ? best.name : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
