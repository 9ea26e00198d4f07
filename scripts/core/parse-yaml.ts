/**
 * YAML text → plain value plus a locator that maps a field path back to line:col, so
 * schema errors can point at the place a person has to edit.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { describeFound, type Position, type Problem, problemAt, START_OF_FILE } from "./problems.ts";

export type FieldPath = readonly (string | number)[];

export interface ParsedYaml {
  value: unknown;
  /** Where the value at `path` starts; the nearest existing ancestor when it is missing. */
  locate(path: FieldPath, part?: "key" | "value"): Position;
  problems: Problem[];
}

export function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const toPosition = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  const problems: Problem[] = doc.errors.map((error) => {
    const at = error.linePos?.[0] ?? START_OF_FILE;
    return problemAt(file, { line: at.line, col: at.col }, `invalid YAML: ${firstLine(error.message)}`);
  });

  const locate = (path: FieldPath, part: "key" | "value" = "value"): Position => {
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
  };

  return { value: problems.length > 0 ? undefined : doc.toJS(), locate, problems };
}

function firstLine(message: string): string {
  return message.split("\n")[0]?.trim() ?? message;
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
        const hint = allowed ? `; expected one of: ${allowed.join(", ")}` : "";
        problems.push(problemAt(file, parsed.locate([...path, key], "key"), `unknown field "${key}"${hint}`));
      }
      continue;
    }
    const field = path.length > 0 ? `${path.join(".")}: ` : "";
    problems.push(problemAt(file, parsed.locate(path), `${field}${describeIssue(issue)}`));
  }
  return { data: null, problems };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const found = `found ${describeFound(input)}`;
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return `required field is missing (expected ${article(issue.expected)})`;
      return `expected ${article(issue.expected)}, ${found}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => String(v)).join(", ")}, ${found}`;
    case "too_small":
      if (issue.origin === "string") return `expected a non-empty text, ${found}`;
      if (issue.origin === "array") return `expected at least ${issue.minimum} item(s), ${found}`;
      return `expected at least ${issue.minimum}, ${found}`;
    case "too_big":
      if (issue.origin === "string") return `expected at most ${issue.maximum} characters, ${found}`;
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
