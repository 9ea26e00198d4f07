/**
 * The feed the Geeklog client is tested against: this repository's example Geeklog plugin
 * (hello-geeklog: 1.0.0, the upgrade 1.1.0 and the patch 1.1.0+update.1), cloned so its pinned
 * source commits are there, plus two patches whose own update.php makes init() return false:
 * hello-geeklog 1.1.0+update.2 (no tables to back up) and, in a second plugin hello-tables,
 * 1.0.0+update.1 (one table backed up). Built with a test key by the real build.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateSeed } from "../../scripts/io/keys.ts";
import { runFeedwright } from "../support/run-cli.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** The greeting hello-geeklog's failing patch writes before its init() says no. */
export const FAILED_PATCH_GREETING = "Greetings from update 2";
/** The line the failing patch adds to hello's public page (so the restore can be seen). */
export const FAILED_PATCH_PAGE_LINE = "// Changed by update 2, which fails.";

export interface GeeklogTestFeed {
  repo: string;
  dist: string;
  cleanup(): void;
}

/** An own update.php whose init() returns false, after the client ran its SQL and copied its files. */
function failingUpdateClass(name: string, table: string, backup: boolean, greeting: string): string {
  return `<?php
// A patch whose init() fails: the client must restore and report it.
class UpdatePlugin implements PluginUpdateInterface
{
    public static $_SQL_DATA = array();
    public static $_SQL_PTABLES = array(${backup ? `'${table}'` : ""});
    public static $PLUGIN_NAME = '${name}';

    public static function init()
    {
        return false;
    }
}

UpdatePlugin::$_SQL_DATA = array(
    "UPDATE " . $GLOBALS['_TABLES']['${table}'] . " SET greeting = '${greeting}' WHERE id = 1",
);
`;
}

const TABLES_PLUGIN_YAML = `name: Hello Tables
slug: hello-tables
platform: geeklog
description: A second Geeklog plugin of the tests, whose patch backs up a table and fails.
homepage: https://example.invalid/hello-tables
author: feedwright tests
requires_php: "5.2"
api_base: https://api.igny8.com/api
geeklog:
  name: hellotables
  requires_geeklog: "1.6.0"
`;

function tablesSource(): Record<string, string> {
  return {
    "plugins/functions.inc": `<?php
$_TABLES['hellotables_items'] = $_DB_table_prefix . 'hellotables_items';

function plugin_chkVersion_hellotables()
{
    return '1.0.0';
}
`,
    "plugins/sql/mysql_install.php": `<?php
$_SQL[] = "CREATE TABLE {$_TABLES['hellotables_items']} (id INT NOT NULL PRIMARY KEY, greeting VARCHAR(255) NOT NULL DEFAULT '') ENGINE=MyISAM";
$DEFVALUES[] = "INSERT INTO {$_TABLES['hellotables_items']} (id, greeting) VALUES (1, 'Hello, tables!')";
`,
    "public_html/index.php": "<?php\n// Hello Tables: the public page.\n",
    "admin/index.php": "<?php\n// Hello Tables: the administration page.\n",
  };
}

function release(version: string, source: string, geeklog: string): string {
  return `version: ${version}
status: released
released_at: "2026-11-30T12:00:00Z"
source: "${source}"
changelog: |
  - ${version} of the tests.
geeklog:
${geeklog}`;
}

export async function buildGeeklogTestFeed(): Promise<GeeklogTestFeed> {
  const repo = mkdtempSync(path.join(tmpdir(), "fw-geeklog-feed-"));
  const dist = path.join(repo, "dist");
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), text);
  };
  const commit = (message: string) => {
    git("add", "-A");
    git("-c", "user.email=test@example.invalid", "-c", "user.name=feedwright test", "commit", "-q", "-m", message);
    return git("rev-parse", "HEAD");
  };
  try {
    execFileSync("git", ["clone", "--quiet", "--no-hardlinks", ROOT, repo], { stdio: "ignore" });

    // hello-geeklog 1.1.0+update.2: its own update.php runs SQL, and its init() fails.
    write(
      "source/hello-geeklog/update.php",
      failingUpdateClass("hello", "hello_greetings", false, FAILED_PATCH_GREETING),
    );
    const page = execFileSync("git", ["show", "HEAD:source/hello-geeklog/public_html/index.php"], { cwd: repo });
    write("source/hello-geeklog/public_html/index.php", `${page.toString("utf8")}${FAILED_PATCH_PAGE_LINE}\n`);
    const failing = commit("hello-geeklog: a patch whose init() fails");
    write(
      "releases/hello-geeklog/1.1.0+update.2.yaml",
      release("1.1.0+update.2", failing, "  kind: patch\n  update: 2\n  update_class: own\n"),
    );

    // hello-tables 1.0.0, and 1.0.0+update.1 backing up its table before an init() that fails.
    for (const [file, text] of Object.entries(tablesSource())) write(`source/hello-tables/${file}`, text);
    const first = commit("hello-tables 1.0.0");
    write(
      "source/hello-tables/update.php",
      failingUpdateClass("hellotables", "hellotables_items", true, "Greetings from a failed patch"),
    );
    const tablesFailing = commit("hello-tables: a patch that backs up its table and fails");
    write("releases/hello-tables/plugin.yaml", TABLES_PLUGIN_YAML);
    write("releases/hello-tables/1.0.0.yaml", release("1.0.0", first, "  kind: upgrade\n"));
    write(
      "releases/hello-tables/1.0.0+update.1.yaml",
      release("1.0.0+update.1", tablesFailing, "  kind: patch\n  update: 1\n  update_class: own\n"),
    );
    commit("releases of the Geeklog tests");

    const built = await runFeedwright(["build", "--out", dist], {
      cwd: repo,
      env: { ...process.env, FEEDWRIGHT_SIGNING_KEY: generateSeed() },
    });
    if (built.code !== 0) throw new Error(`the Geeklog test feed did not build:\n${built.stdout}${built.stderr}`);
    return { repo, dist, cleanup: () => rmSync(repo, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(repo, { recursive: true, force: true });
    throw error;
  }
}
