/** Reads the updater template that scripts/core/updater.ts renders into every package. */
import { readFileSync } from "node:fs";
import path from "node:path";

export const UPDATER_TEMPLATE = path.resolve(
  import.meta.dirname,
  "..",
  "..",
  "site",
  "updater",
  "feedwright-updater.php.hbs",
);

let text: string | null = null;

/** The template's text, read once per process. */
export function readUpdaterTemplate(): string {
  text ??= readFileSync(UPDATER_TEMPLATE, "utf8");
  return text;
}
