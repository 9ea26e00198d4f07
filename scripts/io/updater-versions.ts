/**
 * Reads every shipped updater version (site/updater/<N>/) that scripts/core/updater.ts renders
 * into packages. A released package records the version it was built with, so every version
 * feedwright ever shipped stays here, unchanged, and a rebuild of that release gives the same
 * bytes (see the README, "The updater inside the plugin").
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { UpdaterVersion } from "../core/updater.ts";

/** feedwright's own updater versions. */
export const UPDATER_VERSIONS_DIR = path.resolve(import.meta.dirname, "..", "..", "site", "updater");

/** Files of one version folder, recursively, by path relative to it ("/" separated). */
function listFiles(root: string, folder = ""): string[] {
  const entries = readdirSync(path.join(root, folder), { withFileTypes: true });
  return entries.flatMap((entry) => {
    const relative = folder === "" ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory()) return listFiles(root, relative);
    return entry.isFile() ? [relative] : [];
  });
}

/**
 * The versions in `dir` (folders named by a positive integer: 1, 2, ...), oldest first, each
 * with its files' text (a build reads them once). Anything else in `dir` (the linter's ruleset,
 * say) is not a version.
 */
export function readUpdaterVersions(dir: string = UPDATER_VERSIONS_DIR): UpdaterVersion[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[1-9][0-9]*$/.test(entry.name))
    .map((entry) => {
      const folder = path.join(dir, entry.name);
      const files = listFiles(folder)
        .sort()
        .map((file) => ({ path: file, text: readFileSync(path.join(folder, file), "utf8") }));
      return { version: Number(entry.name), files };
    })
    .sort((a, b) => a.version - b.version);
}
