/**
 * A small Geeklog plugin for tests ("greet"): plugin.yaml, its source at a version, and a
 * scratch repository with 1.0.0 (the first version), the upgrade 1.1.0 (SQL, a table backed up)
 * and the patch 1.1.0+update.1, each pinned to the commit that holds its source.
 */
import { createScratchRepo, type ScratchRepo } from "./scratch-repo.ts";

export const GREET_SLUG = "greet-geeklog";
export const GREET_NAME = "greet";

export const GREET_PLUGIN_YAML = `name: Greet
slug: greet-geeklog
platform: geeklog
description: A Geeklog plugin for tests.
homepage: https://example.com/greet
author: Example
requires_php: "5.2"
api_base: https://api.example.com/api
geeklog:
  name: greet
  requires_geeklog: "1.6.0"
`;

/** The plugin's source at a version: the three folders, plugins/functions.inc among them. */
export function greetSource(version: string): Record<string, string> {
  return {
    "admin/index.php": `<?php\n// Greet ${version}: administration.\n`,
    "public_html/index.php": `<?php\n// Greet ${version}: the public page.\n`,
    "plugins/functions.inc": `<?php\n$_TABLES['greet_items'] = $_DB_table_prefix . 'greet_items';\nfunction plugin_chkVersion_greet() { return '${version.replace(/\+.*/, "")}'; }\n`,
  };
}

/** A Geeklog release's YAML from its fields and its geeklog block (YAML lines, indented by two). */
export function geeklogReleaseYaml(fields: Record<string, string>, geeklog: string[]): string {
  return `${Object.entries(fields)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join("\n")}\ngeeklog:\n${geeklog.map((line) => `  ${line}`).join("\n")}\n`;
}

export function createGeeklogRepo(): ScratchRepo & { pins: Record<string, string> } {
  const repo = createScratchRepo();
  const pins: Record<string, string> = {};
  for (const version of ["1.0.0", "1.1.0", "1.1.0+update.1"]) {
    for (const [file, text] of Object.entries(greetSource(version))) repo.write(`source/${GREET_SLUG}/${file}`, text);
    pins[version] = repo.commit(`greet ${version}`);
  }
  const released = (version: string) => ({
    version,
    status: "released",
    released_at: "2026-01-01T00:00:00Z",
    source: pins[version] ?? "",
    changelog: `Greet ${version}.`,
  });
  repo.write(`releases/${GREET_SLUG}/plugin.yaml`, GREET_PLUGIN_YAML);
  repo.write(`releases/${GREET_SLUG}/1.0.0.yaml`, geeklogReleaseYaml(released("1.0.0"), ["kind: upgrade"]));
  repo.write(
    `releases/${GREET_SLUG}/1.1.0.yaml`,
    geeklogReleaseYaml(released("1.1.0"), [
      "kind: upgrade",
      "sql:",
      `  - "ALTER TABLE {$_TABLES['greet_items']} ADD COLUMN note VARCHAR(40) NOT NULL DEFAULT ''"`,
      "backup_tables: [greet_items]",
    ]),
  );
  repo.write(
    `releases/${GREET_SLUG}/1.1.0+update.1.yaml`,
    geeklogReleaseYaml(released("1.1.0+update.1"), [
      "kind: patch",
      "update: 1",
      "sql:",
      `  - "UPDATE {$_TABLES['greet_items']} SET note = 'patched'"`,
    ]),
  );
  repo.commit("releases");
  return Object.assign(repo, { pins });
}
