/**
 * Runs the PHP updater as the build renders it, in one `php` process, outside WordPress: the
 * updater for a plugin plan is written to a temporary folder (not at updater_path, so boot()
 * returns before touching WordPress), a prelude (WordPress stubs) and the caller's script run
 * around it, and the script's JSON output comes back. One process for a whole table of cases
 * keeps these tests in milliseconds per case.
 *
 * The one place that knows how the updater is rendered and loaded: version 1 is one class,
 * later versions a config block and classes in a namespace, all written out as in a package.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PluginPlan } from "../../scripts/core/plan.ts";
import { renderUpdater, type UpdaterVersion } from "../../scripts/core/updater.ts";
import { readUpdaterVersions } from "../../scripts/io/updater-versions.ts";

/** Every updater version feedwright ships, oldest first; the newest is what new releases get. */
export const UPDATER_VERSIONS = readUpdaterVersions();
export const NEWEST_UPDATER = UPDATER_VERSIONS[UPDATER_VERSIONS.length - 1] as UpdaterVersion;

export interface UpdaterRun {
  /** PHP run before the updater is required: stubs of the WordPress functions the script needs. */
  prelude?: string;
  /**
   * PHP run after it, with `$class` (the updater's class name) and `$input` (the decoded input)
   * set; it echoes its answer as JSON.
   */
  script: string;
  input: unknown;
  /** A change to the rendered entry file, for a value PHP itself fixes (such as its own version). */
  patch?: (source: string) => string;
  /** The updater version to render (default: the newest). */
  updater?: UpdaterVersion;
}

/** Renders the plan's updater and runs `run.script` against it; returns the decoded JSON it echoed. */
export function runUpdaterPhp<T>(plugin: PluginPlan, run: UpdaterRun): T {
  const rendered = renderUpdater(plugin, run.updater ?? NEWEST_UPDATER);
  if (!rendered) throw new Error(`${plugin.slug}: plugin.yaml has no updater_path`);
  const dir = mkdtempSync(path.join(tmpdir(), "feedwright-updater-php-"));
  try {
    // The entry under another name than updater_path, so it boots nothing; the classes where
    // the package has them, required here instead.
    const updater = path.join(dir, "entry.php");
    for (const file of rendered.files) {
      const isEntry = file.path === rendered.path;
      const target = isEntry ? updater : path.join(dir, file.path);
      mkdirSync(path.dirname(target), { recursive: true });
      const text = file.content.toString("utf8");
      writeFileSync(target, isEntry && run.patch ? run.patch(text) : text);
    }
    const classes = rendered.files
      .filter((file) => file.path !== rendered.path)
      .map((file) => path.join(dir, file.path));
    const input = path.join(dir, "input.json");
    const runner = path.join(dir, "run.php");
    writeFileSync(input, JSON.stringify(run.input));
    writeFileSync(
      runner,
      `<?php
define( 'ABSPATH', '/' );
${run.prelude ?? ""}
require $argv[1];
${classes.map((file) => `require ${JSON.stringify(file)};`).join("\n")}
// Version 1: the updater's class; later versions: the namespace of its classes.
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
