/**
 * Geeklog's own repository client (test/geeklog/geeklog-gsoc/, unchanged) against the feed
 * served by `npm run dev`: the listing pulled, the check posted, patches and upgrades
 * downloaded, unpacked, backed up, their SQL run, their files copied and init() called, the
 * plugins table moved on; and what happens when init() says no.
 */

import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GEEKLOG_INDEX_PATH,
  GEEKLOG_REPOSITORY_FOLDER,
  type GeeklogIndex,
  geeklogPath,
  geeklogRepositoryUrl,
  pluginFilePath,
} from "../../scripts/contract/index.ts";
import { type FeedServer, startFeedServer } from "../wordpress/feed-server.ts";
import { CLIENT_DIR, type GeeklogSite, installByHand, offeredItems, startGeeklogSite } from "./client.ts";
import {
  buildGeeklogTestFeed,
  FAILED_PATCH_GREETING,
  FAILED_PATCH_PAGE_LINE,
  type GeeklogTestFeed,
} from "./test-feed.ts";

const execPhp = async (code: string, ...args: string[]) =>
  (await promisify(execFile)("php", ["-r", code, "--", ...args])).stdout;
const ADMIN_TOKEN = "geeklog-test-admin-token";
const HELLO_TABLES = { hello_greetings: "gl_hello_greetings" };

let feed: GeeklogTestFeed;
let server: FeedServer;
let site: GeeklogSite;
let repository: string;
let index: GeeklogIndex;

const packageOf = (slug: string, version: string) =>
  readFileSync(path.join(feed.dist, pluginFilePath(slug, `${slug}-v${version}.zip`)));

/** The files of a package's folder (admin, public_html or plugins), by path inside it. */
function packagedFiles(zip: Buffer, name: string, folder: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const [entry, bytes] of Object.entries(unzipSync(new Uint8Array(zip)))) {
    const prefix = `${name}/${folder}/`;
    if (entry.startsWith(prefix) && !entry.endsWith("/")) files.set(entry.slice(prefix.length), Buffer.from(bytes));
  }
  return files;
}

/** Where the client copies each folder of a package on the site. */
function placeOf(name: string, folder: string): string {
  return folder === "admin"
    ? `public_html/admin/plugins/${name}`
    : folder === "public_html"
      ? `public_html/${name}`
      : `plugins/${name}`;
}

const started = Date.now();
beforeAll(async () => {
  feed = await buildGeeklogTestFeed();
  server = await startFeedServer({
    distDir: feed.dist,
    stateDir: path.join(feed.repo, ".wrangler", "state"),
    adminToken: ADMIN_TOKEN,
    logFile: path.join(feed.repo, "dev-server.log"),
  });
  repository = `${server.url}/${GEEKLOG_REPOSITORY_FOLDER}`;
  index = JSON.parse(readFileSync(path.join(feed.dist, GEEKLOG_INDEX_PATH), "utf8")) as GeeklogIndex;
  site = await startGeeklogSite({ repositoryUrl: repository });
  await installByHand(site, packageOf("hello-geeklog", "1.0.0"), {
    name: "hello",
    version: "1.0.0",
    tables: HELLO_TABLES,
  });
  console.info(`Geeklog test setup: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 300_000);

afterAll(async () => {
  await site?.stop();
  await server?.stop();
  feed?.cleanup();
  console.info(`Geeklog client tests: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
});

describe("Geeklog's repository client against the feed", () => {
  it("issue 13: updaterepositorylist() reads the listing into the client's table", async () => {
    const step = await site.list();
    expect(step.finished).toBe(true);
    expect(step.result).toEqual([]);
    const rows = await site.sql(
      "SELECT plugin_id, fname, version, name, repository_name, ext FROM gl_plugin_repository_list ORDER BY fname, version",
    );
    const expected = index.listing.map((entry) => [
      String(entry.id),
      entry.plugin_name,
      entry.geeklog_version,
      entry.name,
      repository,
      ".zip",
    ]);
    expect(rows).toEqual(expect.arrayContaining(expected));
    expect(rows.map((row) => `${row[1]} ${row[2]}`)).toEqual(["hello 1.0.0", "hello 1.1.0", "hellotables 1.0.0"]);
  });

  it("issue 13: show_available_updates() posts the check and is offered the upgrade to 1.1.0", async () => {
    const step = await site.check();
    expect(step.finished).toBe(true);
    const upgrade = index.items.find((item) => item.slug === "hello-geeklog" && item.kind === "upgrade");
    expect(offeredItems(step.output)).toEqual([
      { name: String(upgrade?.id), value: `${repository},.zip,Hello Geeklog,1.1.0,upgrade` },
    ]);
    expect(step.output).toContain("1.0.0 to 1.1.0");
  });

  it("issue 13: start_update_process() installs the upgrade: downloaded, unpacked, table backed up, SQL run, files in the three places, init() called, pi_version 1.1.0", async () => {
    const [item] = offeredItems((await site.check()).output);
    if (!item) throw new Error("no upgrade offered");
    const greetingBefore = await site.sql("SELECT id, greeting FROM gl_hello_greetings");
    const step = await site.install({ [item.name]: item.value });
    expect(step.output).not.toContain("Update Failed");
    expect(step.finished).toBe(true);
    const sent = step.queries.map((query) => query.sql);
    // Backed up first (SELECT ... INTO OUTFILE), then the release's SQL, then the new version.
    const backup = sent.findIndex((sql) =>
      /^SELECT \* INTO OUTFILE '.*\/data\/backup_mysql_update_hello_greetings\.tgfrsgi935' FROM gl_hello_greetings;$/.test(
        sql,
      ),
    );
    const alter = sent.indexOf("ALTER TABLE gl_hello_greetings ADD COLUMN language VARCHAR(8) NOT NULL DEFAULT 'en'");
    const finish = sent.indexOf("UPDATE gl_plugins SET pi_version = '1.1.0' WHERE pi_name = 'hello';");
    expect([backup, alter, finish].every((at) => at >= 0)).toBe(true);
    expect(backup).toBeLessThan(alter);
    expect(alter).toBeLessThan(finish);
    expect(step.queries.filter((query) => query.error !== "")).toEqual([]);
    // init() ran: the rendered class checked every copied file and said so.
    const zip = packageOf("hello-geeklog", "1.1.0");
    const fileCount = ["admin", "public_html", "plugins"].reduce(
      (sum, folder) => sum + packagedFiles(zip, "hello", folder).size,
      0,
    );
    expect(step.log).toContain(`Hello Geeklog 1.1.0: update.php found all ${fileCount} files in place`);
    for (const folder of ["admin", "public_html", "plugins"]) {
      const files = packagedFiles(zip, "hello", folder);
      expect(files.size).toBeGreaterThan(0);
      for (const [file, bytes] of files)
        expect(readFileSync(path.join(site.root, placeOf("hello", folder), file)), file).toEqual(bytes);
    }
    expect(await site.sql("SELECT pi_version, pi_update_count FROM gl_plugins WHERE pi_name = 'hello'")).toEqual([
      ["1.1.0", "0"],
    ]);
    expect(await site.sql("SELECT id, greeting, language FROM gl_hello_greetings")).toEqual([
      [...(greetingBefore[0] ?? []), "en"],
    ]);
    // The client cleaned up its unpacked folder, backups and table dump, but not the archive it
    // downloaded (cleanup() looks for it under data/ twice): the package's very bytes.
    expect(readdirSync(path.join(site.root, "data"))).toEqual([`patch_pid${item.name}.zip`]);
    expect(readFileSync(path.join(site.root, "data", `patch_pid${item.name}.zip`))).toEqual(zip);
  });

  it("issue 13: the check then offers the patch, and installing it raises the update count to 1 and keeps the version", async () => {
    const check = await site.check();
    const patch = index.items.find((item) => item.slug === "hello-geeklog" && item.update === 1);
    expect(offeredItems(check.output)).toEqual([
      { name: String(patch?.id), value: `${repository},.zip,Hello Geeklog 1.1.0 update 1,1,update` },
    ]);
    const [item] = offeredItems(check.output);
    if (!item) throw new Error("no patch offered");
    const step = await site.install({ [item.name]: item.value });
    expect(step.output).not.toContain("Update Failed");
    const sent = step.queries.map((query) => query.sql);
    expect(sent).toContain("UPDATE gl_hello_greetings SET greeting = 'Hello, world!' WHERE greeting = 'Helo, world!'");
    expect(sent).toContain("UPDATE gl_plugins SET pi_update_count = 1 WHERE pi_name = 'hello';");
    expect(sent.some((sql) => sql.includes("INTO OUTFILE") && sql.endsWith("FROM gl_hello_greetings;"))).toBe(true);
    expect(step.log.some((line) => line.startsWith("Hello Geeklog 1.1.0+update.1: update.php found all"))).toBe(true);
    const page = packagedFiles(packageOf("hello-geeklog", "1.1.0+update.1"), "hello", "public_html").get("index.php");
    expect(readFileSync(path.join(site.root, "public_html/hello/index.php"))).toEqual(page);
    expect(page?.toString("utf8")).toContain("htmlspecialchars(HELLO_greeting())");
    expect(await site.sql("SELECT pi_version, pi_update_count FROM gl_plugins WHERE pi_name = 'hello'")).toEqual([
      ["1.1.0", "1"],
    ]);
    expect(await site.sql("SELECT greeting FROM gl_hello_greetings WHERE id = 1")).toEqual([["Hello, world!"]]);
  });

  it("issue 13: a patch whose init() returns false is reported as failed; version and update count stay; what the client's restore() puts back", async () => {
    const adminBefore = readFileSync(path.join(site.root, "public_html/admin/plugins/hello/index.php"));
    const pageBefore = readFileSync(path.join(site.root, "public_html/hello/index.php"), "utf8");
    const check = await site.check();
    const [item] = offeredItems(check.output);
    expect(item?.value).toBe(`${repository},.zip,Hello Geeklog 1.1.0 update 2,2,update`);
    if (!item) throw new Error("no patch offered");
    const step = await site.install({ [item.name]: item.value });
    // Reported: the client's own report, with its message 102.
    expect(step.finished).toBe(true);
    expect(step.output).toContain("Warning: Some patches were not installed");
    expect(step.output).toContain("Hello Geeklog 1.1.0 update 2 - Update Failed: Unable to process update");
    expect(step.queries.map((query) => query.sql).some((sql) => sql.startsWith("UPDATE gl_plugins"))).toBe(false);
    expect(await site.sql("SELECT pi_version, pi_update_count FROM gl_plugins WHERE pi_name = 'hello'")).toEqual([
      ["1.1.0", "1"],
    ]);
    // restore() put back public_html/hello and plugins/hello ...
    expect(readFileSync(path.join(site.root, "public_html/hello/index.php"), "utf8")).toBe(pageBefore);
    expect(pageBefore).not.toContain(FAILED_PATCH_PAGE_LINE);
    expect(existsSync(path.join(site.root, "plugins/hello/functions.inc"))).toBe(true);
    // ... but moved the admin folder to public_html/admin/plugins<name> (a slash is missing in it),
    expect(existsSync(path.join(site.root, "public_html/admin/plugins/hello"))).toBe(false);
    expect(readFileSync(path.join(site.root, "public_html/admin/pluginshello/index.php"))).toEqual(adminBefore);
    // ... and left the patch's SQL applied (no tables were backed up, so it loads nothing back).
    expect(await site.sql("SELECT greeting FROM gl_hello_greetings WHERE id = 1")).toEqual([[FAILED_PATCH_GREETING]]);
  });

  it("issue 13: with a table backed up, the client's restore() stops the request at LOAD DATA (the rows are still there); nothing is recorded", async () => {
    await site.sql("UPDATE gl_plugins SET pi_enabled = 0 WHERE pi_name = 'hello'");
    await installByHand(site, packageOf("hello-tables", "1.0.0"), {
      name: "hellotables",
      version: "1.0.0",
      tables: { hellotables_items: "gl_hellotables_items" },
    });
    const [item] = offeredItems((await site.check()).output);
    expect(item?.value).toBe(`${repository},.zip,Hello Tables 1.0.0 update 1,1,update`);
    if (!item) throw new Error("no patch offered");
    const step = await site.install({ [item.name]: item.value });
    const load = step.queries.find((query) => query.sql.startsWith("LOAD DATA INFILE"));
    expect(load?.sql).toMatch(/backup_mysql_update_hellotables_items\.tgfrsgi935' INTO TABLE gl_hellotables_items;$/);
    expect(load?.error).toMatch(/^Duplicate entry '1'/);
    // The client's error handler printed the error and ended the request: no report, no cleanup.
    expect(step.finished).toBe(false);
    expect(step.output).toContain("Duplicate entry '1'");
    expect(step.output).not.toContain("Some patches were not installed");
    expect(await site.sql("SELECT pi_version, pi_update_count FROM gl_plugins WHERE pi_name = 'hellotables'")).toEqual([
      ["1.0.0", "0"],
    ]);
    expect(await site.sql("SELECT greeting FROM gl_hellotables_items WHERE id = 1")).toEqual([
      ["Greetings from a failed patch"],
    ]);
    const left = readdirSync(path.join(site.root, "data"));
    expect(left).toContain("backup_mysql_update_hellotables_items.tgfrsgi935");
    expect(left).toContain("hellotables");
    // The dump left behind stops the next try at its backup: INTO OUTFILE never overwrites a file.
    const again = await site.install({ [item.name]: item.value });
    const backup = again.queries.find((query) => query.sql.includes("INTO OUTFILE"));
    expect(backup?.error).toMatch(/already exists/);
    expect(again.finished).toBe(false);
    expect(await site.sql("SELECT pi_version, pi_update_count FROM gl_plugins WHERE pi_name = 'hellotables'")).toEqual([
      ["1.0.0", "0"],
    ]);
    await site.sql("UPDATE gl_plugins SET pi_enabled = 1 WHERE pi_name = 'hello'");
  });

  it("issue 13: downloads through get_patch.php and get_upgrade.php are counted, as auto_update", async () => {
    const response = await fetch(`${server.url}/api/plugins/hello-geeklog/stats/?refresh=1`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const stats = (await response.json()) as {
      downloads: { by_version: Record<string, number>; by_kind: Record<string, number> };
    };
    expect(stats.downloads.by_version).toEqual({ "1.1.0": 1, "1.1.0+update.1": 1, "1.1.0+update.2": 1 });
    expect(stats.downloads.by_kind).toEqual({ manual: 0, auto_update: 3 });
  });
});

describe("how a Geeklog site reaches the repository", () => {
  it("issue 13: the client's own URL rule accepts the production repository URL and refuses the local one with a port; status.rep unserializes to 200", async () => {
    const source = readFileSync(path.join(CLIENT_DIR, "public_html/admin/plugins.php"), "utf8");
    const rule = /ereg\('([^']+)', \$repository_url\)/.exec(source)?.[1];
    expect(rule).toBe("^http://[a-zA-Z0-9\\-\\./_\\-]+/repository/main");
    const production = geeklogRepositoryUrl("https://api.igny8.com");
    expect(production).toEqual({ url: "http://api.igny8.com/geeklog/repository/main", problem: null });
    // POSIX ERE: the backslashes inside the brackets are plain characters; PHP's preg reads it the same way with them doubled.
    const matches = async (url: string) =>
      (
        await execPhp(
          `echo preg_match('#' . str_replace('\\\\', '\\\\\\\\', $argv[1]) . '#', $argv[2]);`,
          rule ?? "",
          url,
        )
      ).trim() === "1";
    expect(await matches(production.url)).toBe(true);
    expect(await matches(repository)).toBe(false);
    const status = await fetch(`${server.url}/${geeklogPath("status")}`);
    expect(status.status).toBe(200);
    const body = await status.text();
    expect((await execPhp("var_export(unserialize($argv[1]) === 200);", body)).trim()).toBe("true");
  });
});
