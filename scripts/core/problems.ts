import type { PluginPlan, ReleasePlan } from "./plan.ts";

/** One thing wrong with the input, pointing at where a person has to look. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export interface Position {
  line: number;
  col: number;
}

export const START_OF_FILE: Position = { line: 1, col: 1 };

/**
 * A problem found about a plan rather than while parsing (the review, packaging): the same
 * thing as a Problem, with the position of the field it is about kept as one value.
 */
export interface Finding {
  file: string;
  at: Position;
  message: string;
}

/** Where a release's field is written (a name, or a path into nested fields), for a Finding about it. */
export type LocateField = (
  plugin: PluginPlan,
  release: ReleasePlan,
  field: string | readonly (string | number)[],
) => Position;

export function problemAt(file: string, at: Position, message: string): Problem {
  return { file, line: at.line, col: at.col, message };
}

export function problemOf(finding: Finding): Problem {
  return problemAt(finding.file, finding.at, finding.message);
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.message}`;
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => compareText(a.file, b.file) || a.line - b.line || a.col - b.col || compareText(a.message, b.message),
  );
}

/**
 * Code-unit order (what `<` on strings compares): the same on every machine and locale, unlike
 * localeCompare. The one comparison for sorting names and paths into a stable order.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Describe a found value the way it was written, short enough for one line. */
export function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string")
    return value.length > 60 ? JSON.stringify(`${value.slice(0, 57)}...`) : JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${String(value)}`;
}
