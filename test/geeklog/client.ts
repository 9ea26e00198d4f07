/**
 * A Geeklog site for tests, as far as its plugin repository client goes: the client's own code
 * (test/geeklog/geeklog-gsoc/, unchanged; see FROM.md), run by PHP with the least of Geeklog
 * around it (php/bootstrap.php), on MariaDB in a private data directory. Each step is one PHP
 * process, as each page is one request of the administrator's browser. Everything lives in one
 * temporary folder; stop() ends MariaDB by its process id and removes the folder.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { freePort, type MariaDb, startMariaDb } from "../wordpress/harness.ts";

const run = promisify(execFile);
export const CLIENT_DIR = path.join(import.meta.dirname, "geeklog-gsoc");
const PHP_DIR = path.join(import.meta.dirname, "php");
const RESULT_MARK = "@@FEEDWRIGHT-GEEKLOG@@";
const DATABASE = "geeklog";

/** What one request printed and did. */
export interface StepResult {
  /** What the client printed (the page, or the error its handler printed before it stopped). */
  output: string;
  /** Every SQL statement the client sent, with MariaDB's error ("" when none). */
  queries: { sql: string; error: string }[];
  /** What it wrote to Geeklog's error log (COM_errorLog). */
  log: string[];
  result: unknown;
  /** False when the request ended early: the client's error handler exits. */
  finished: boolean;
}

export interface GeeklogSite {
  /** $_CONF['path']: plugins/, data/, system/; public_html/ below it. */
  root: string;
  list(): Promise<StepResult>;
  check(): Promise<StepResult>;
  /** start_update_process() with the form the check page's checkboxes send. */
  install(form: Record<string, string>): Promise<StepResult>;
  /** Rows of a query, each a list of columns (mariadb --batch). */
  sql(query: string): Promise<string[][]>;
  stop(): Promise<void>;
}

/** The functions the test runs, cut out of the client's files at test time (php/extract.php). */
const CLIENT_FUNCTIONS = {
  "public_html/admin/plugins.php": [
    "updaterepositorylist",
    "show_available_updates",
    "check_repository_lists",
    "start_update_process",
    "download_file",
    "plugin_update_error_handler",
  ],
  "system/lib-plugins.php": ["do_post_request"],
};

/** One method added to the client's unpacker so PHP 8 runs its PHP 4-style constructor; nothing else changes. */
export const UNPACKER_CLASS_LINE = "class unpacker {";
export const UNPACKER_CONSTRUCTOR =
  "    function __construct($file, $mime_type = null) { $this->unpacker($file, $mime_type); } // added by test/geeklog/client.ts for PHP 8\n";

export async function startGeeklogSite(options: { repositoryUrl: string }): Promise<GeeklogSite> {
  const dir = await mkdtemp(path.join(tmpdir(), "fw-geeklog-"));
  const root = path.join(dir, "site");
  let database: MariaDb | null = null;
  const stop = async () => {
    await database?.service.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const folder of ["public_html/admin/plugins", "plugins", "data", "system/classes", "layout", "backups"])
      mkdirSync(path.join(root, folder), { recursive: true });
    cpSync(
      path.join(CLIENT_DIR, "system/classes/pluginupdater.class.php"),
      path.join(root, "system/classes/pluginupdater.class.php"),
    );
    const unpacker = readFileSync(path.join(CLIENT_DIR, "system/classes/unpacker.class.php"), "utf8");
    if (unpacker.split(UNPACKER_CLASS_LINE).length !== 2)
      throw new Error("unpacker.class.php: class line not found once");
    writeFileSync(
      path.join(root, "system/classes/unpacker.class.php"),
      unpacker.replace(UNPACKER_CLASS_LINE, `${UNPACKER_CLASS_LINE}\n${UNPACKER_CONSTRUCTOR}`),
    );
    // show_available_updates() requires it; what it uses of it (ADMIN_createMenu) is in the bootstrap.
    writeFileSync(path.join(root, "system/lib-admin.php"), "<?php\n// Empty: see test/geeklog/php/bootstrap.php.\n");
    const extractArgs = Object.entries(CLIENT_FUNCTIONS).flatMap(([file, names], index) => [
      ...(index > 0 ? ["--"] : []),
      path.join(CLIENT_DIR, file),
      ...names,
    ]);
    await run("php", [path.join(PHP_DIR, "extract.php"), path.join(root, "client-functions.php"), ...extractArgs]);

    // INTO OUTFILE and LOAD DATA (the client's table backup) only in the site's data/ folder.
    database = await startMariaDb(dir, DATABASE, [`--secure-file-priv=${path.join(root, "data")}`]);
    const { socket, client } = database;
    // The Geeklog service the client asks about repositories: nothing listens there.
    const authService = `http://127.0.0.1:${await freePort()}/`;
    const config = path.join(dir, "site.json");
    writeFileSync(config, JSON.stringify({ root, client: CLIENT_DIR, socket, database: DATABASE, authService }));

    const step = async (name: string, post?: Record<string, string>): Promise<StepResult> => {
      const args = [path.join(PHP_DIR, "bootstrap.php"), config, name];
      if (post) {
        const file = path.join(dir, "post.json");
        writeFileSync(file, JSON.stringify(post));
        args.push(file);
      }
      let stdout: string;
      try {
        ({ stdout } = await run("php", ["-d", "display_errors=stderr", ...args], {
          cwd: root,
          timeout: 120_000,
          maxBuffer: 64 * 1024 * 1024,
        }));
      } catch (error) {
        const failure = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(
          `PHP step ${name} failed: ${failure.message}\n${failure.stdout ?? ""}\n${failure.stderr ?? ""}`,
        );
      }
      const at = stdout.lastIndexOf(RESULT_MARK);
      if (at === -1) throw new Error(`PHP step ${name} printed no result:\n${stdout.slice(-3000)}`);
      return JSON.parse(stdout.slice(at + RESULT_MARK.length)) as StepResult;
    };
    const sql = async (query: string): Promise<string[][]> => {
      const { stdout } = await run(client, [
        "--no-defaults",
        `--socket=${socket}`,
        "-uroot",
        "--batch",
        "--skip-column-names",
        "--raw",
        DATABASE,
        "-e",
        query,
      ]);
      return stdout
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => line.split("\t"));
    };

    const tables = await step("tables");
    if (!tables.finished) throw new Error(`creating the client's tables failed:\n${tables.output}`);
    // What add_repository() stores for a repository (status 2: neither banned nor certified).
    await sql(
      `INSERT INTO gl_plugin_repository (repository_url, enabled, status) VALUES ('${options.repositoryUrl}', 1, 2)`,
    );
    return {
      root,
      list: () => step("list"),
      check: () => step("check"),
      install: (form) => step("install", { ...form, install_updates: "Install Updates / Upgrades" }),
      sql,
      stop,
    };
  } catch (error) {
    const logs = readFileSync(path.join(dir, "mysqld.err"), { encoding: "utf8", flag: "a+" });
    await stop();
    throw new Error(`${(error as Error).message}${logs ? `\nmysqld.err:\n${logs.slice(-2000)}` : ""}`);
  }
}

/**
 * A plugin installed by hand at its first version, as a Geeklog site installs a plugin it
 * downloaded: the package's three folders copied to their places, the plugin's own install
 * SQL run (plugins/sql/mysql_install.php), and its row in the plugins table.
 */
export async function installByHand(
  site: GeeklogSite,
  zip: Buffer,
  plugin: { name: string; version: string; tables: Record<string, string> },
): Promise<void> {
  const files = unzipSync(new Uint8Array(zip));
  const places: Record<string, string> = {
    admin: `public_html/admin/plugins/${plugin.name}`,
    public_html: `public_html/${plugin.name}`,
    plugins: `plugins/${plugin.name}`,
  };
  for (const [entry, bytes] of Object.entries(files)) {
    const [top, folder = "", ...rest] = entry.split("/");
    const place = places[folder];
    if (top !== plugin.name || !place || rest.length === 0 || entry.endsWith("/")) continue;
    const target = path.join(site.root, place, ...rest);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
  const installSql = files[`${plugin.name}/plugins/sql/mysql_install.php`];
  if (installSql) {
    // The install file's statements, with $_TABLES filled in as the plugin's functions.inc does.
    const { stdout } = await run("php", [
      "-r",
      `$_TABLES = json_decode($argv[2], true); $_SQL = array(); $DEFVALUES = array(); include $argv[1]; echo json_encode(array_merge($_SQL, $DEFVALUES));`,
      "--",
      path.join(site.root, places.plugins ?? "", "sql/mysql_install.php"),
      JSON.stringify(plugin.tables),
    ]);
    for (const statement of JSON.parse(stdout) as string[]) await site.sql(statement);
  }
  await site.sql(
    `INSERT INTO gl_plugins (pi_name, pi_version, pi_gl_version, pi_enabled, pi_homepage, pi_update_count) VALUES ('${plugin.name}', '${plugin.version}', '1.6.0', 1, '', 0)`,
  );
}

/** One item of the check page: a checked checkbox, as the administrator's form sends it. */
export interface OfferedItem {
  /** The form field's name: the patch's or upgrade's id. */
  name: string;
  /** "<repository>,<ext>,<name>,<update number or new version>,update|upgrade" */
  value: string;
}

/** The checked checkboxes the check page shows (show_available_updates()'s HTML). */
export function offeredItems(html: string): OfferedItem[] {
  return [...html.matchAll(/<input type='checkbox' name='([^']*)' value='([^']*)' checked='checked' \/>/g)].map(
    (match) => ({ name: match[1] ?? "", value: match[2] ?? "" }),
  );
}
