/**
 * Runs the PHP updater as the build renders it, in one `php` process, outside WordPress: the
 * updater for a plugin plan is written to a temporary folder (not at updater_path, so boot()
 * returns before touching WordPress), a prelude (WordPress stubs) and the caller's script run
 * around it, and the script's JSON output comes back. One process for a whole table of cases
 * keeps these tests in milliseconds per case.
 *
 * The one place that knows how the updater is rendered and loaded: when the updater becomes
 * several files, only this file changes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PluginPlan } from "../../scripts/core/plan.ts";
import { renderUpdater } from "../../scripts/core/updater.ts";
import { readUpdaterTemplate } from "../../scripts/io/updater-template.ts";

export interface UpdaterRun {
  /** PHP run before the updater is required: stubs of the WordPress functions the script needs. */
  prelude?: string;
  /**
   * PHP run after it, with `$class` (the updater's class name) and `$input` (the decoded input)
   * set; it echoes its answer as JSON.
   */
  script: string;
  input: unknown;
  /** A change to the rendered source, for a value PHP itself fixes (such as its own version). */
  patch?: (source: string) => string;
}

/** Renders the plan's updater and runs `run.script` against it; returns the decoded JSON it echoed. */
export function runUpdaterPhp<T>(plugin: PluginPlan, run: UpdaterRun): T {
  const rendered = renderUpdater(plugin, readUpdaterTemplate());
  if (!rendered) throw new Error(`${plugin.slug}: plugin.yaml has no updater_path`);
  const source = rendered.content.toString("utf8");
  const dir = mkdtempSync(path.join(tmpdir(), "feedwright-updater-php-"));
  try {
    const updater = path.join(dir, "updater.php");
    const input = path.join(dir, "input.json");
    const runner = path.join(dir, "run.php");
    writeFileSync(updater, run.patch ? run.patch(source) : source);
    writeFileSync(input, JSON.stringify(run.input));
    writeFileSync(
      runner,
      `<?php
define( 'ABSPATH', '/' );
${run.prelude ?? ""}
require $argv[1];
$class = ${JSON.stringify(rendered.className)};
$input = json_decode( file_get_contents( $argv[2] ), true );
${run.script}
`,
    );
    const out = execFileSync("php", [runner, updater, input], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
