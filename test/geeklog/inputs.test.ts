/**
 * A Geeklog plugin's inputs: what the build refuses, each at its file:line:col with nothing
 * written, and what it makes of good ones (the client's archive layout, update.php rendered
 * from the release, the repository files, pages and verify).
 */

import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { unzipSync, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GEEKLOG_INDEX_PATH,
  type GeeklogIndex,
  geeklogPath,
  pluginFilePath,
  type ReleasesDocument,
  renderGeeklogListing,
} from "../../scripts/contract/index.ts";
import {
  createGeeklogRepo,
  GREET_PLUGIN_YAML,
  GREET_SLUG,
  geeklogReleaseYaml,
  greetSource,
} from "../support/geeklog-plugin.ts";
import { copyScratchRepo, type ScratchRepo } from "../support/scratch-repo.ts";

const run = promisify(execFile);
type Repo = ScratchRepo & { pins: Record<string, string> };

let template: Repo;
beforeAll(() => {
  template = createGeeklogRepo();
});
afterAll(() => template?.cleanup());

function copy(onTestFinished: (cleanup: () => void) => void): Repo {
  const repo = Object.assign(copyScratchRepo(template), { pins: template.pins });
  onTestFinished(() => repo.cleanup());
  return repo;
}

interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

function problemsIn(stderr: string): Problem[] {
  return stderr.split("\n").flatMap((line) => {
    const match = /^(releases\/[^:]+):(\d+):(\d+) (.*)$/.exec(line);
    return match
      ? [{ file: match[1] ?? "", line: Number(match[2]), col: Number(match[3]), message: match[4] ?? "" }]
      : [];
  });
}

/** A release 1.2.0 pinned to a new commit of the source as `change` leaves it. */
function releaseWithSource(repo: Repo, change: () => void, geeklog: string[], version = "1.2.0"): void {
  change();
  const source = repo.commit(`source of ${version}`);
  repo.write(
    `releases/${GREET_SLUG}/${version}.yaml`,
    geeklogReleaseYaml(
      { version, status: "released", released_at: "2026-02-01T00:00:00Z", source, changelog: `Greet ${version}.` },
      geeklog,
    ),
  );
}

const released = (version: string, source: string) => ({
  version,
  status: "released",
  released_at: "2026-02-01T00:00:00Z",
  source,
  changelog: `Greet ${version}.`,
});

const cases: { name: string; mutate(repo: Repo): void; expected: Problem[] }[] = [
  {
    name: "a missing plugins/ folder",
    mutate: (repo) => releaseWithSource(repo, () => repo.remove(`source/${GREET_SLUG}/plugins`), ["kind: upgrade"]),
    expected: [
      {
        file: `releases/${GREET_SLUG}/1.2.0.yaml`,
        line: 4,
        col: 9,
        message: "has no plugins/ folder with functions.inc in source/greet-geeklog/",
      },
    ],
  },
  {
    name: "SQL that is a text, not a list",
    mutate: (repo) =>
      repo.write(
        `releases/${GREET_SLUG}/1.2.0.yaml`,
        geeklogReleaseYaml(released("1.2.0", repo.pins["1.1.0+update.1"] ?? ""), [
          "kind: upgrade",
          `sql: "UPDATE {$_TABLES['greet_items']} SET note = ''"`,
        ]),
      ),
    expected: [{ file: `releases/${GREET_SLUG}/1.2.0.yaml`, line: 8, col: 8, message: "geeklog.sql: expected a list" }],
  },
  {
    name: "SQL with a statement that is not a text",
    mutate: (repo) =>
      repo.write(
        `releases/${GREET_SLUG}/1.2.0.yaml`,
        geeklogReleaseYaml(released("1.2.0", repo.pins["1.1.0+update.1"] ?? ""), ["kind: upgrade", "sql:", "  - 42"]),
      ),
    expected: [
      { file: `releases/${GREET_SLUG}/1.2.0.yaml`, line: 9, col: 7, message: "geeklog.sql.0: expected a text" },
    ],
  },
  {
    name: "an upgrade whose version is not higher than the one it upgrades from",
    mutate: (repo) =>
      repo.write(
        `releases/${GREET_SLUG}/1.0.5.yaml`,
        geeklogReleaseYaml(released("1.0.5", repo.pins["1.1.0"] ?? ""), ["kind: upgrade", 'from: "1.1.0"']),
      ),
    expected: [
      {
        file: `releases/${GREET_SLUG}/1.0.5.yaml`,
        line: 1,
        col: 10,
        message:
          "version: an upgrade must move to a higher version than the one it upgrades from: 1.0.5 is not higher than 1.1.0",
      },
    ],
  },
  {
    name: "an upgrade of the same version",
    mutate: (repo) =>
      repo.write(
        `releases/${GREET_SLUG}/1.1.0+update.2.yaml`,
        geeklogReleaseYaml(released("1.1.0+update.2", repo.pins["1.1.0"] ?? ""), ["kind: upgrade"]),
      ),
    expected: [
      {
        file: `releases/${GREET_SLUG}/1.1.0+update.2.yaml`,
        line: 1,
        col: 10,
        message: "version: an upgrade must move to a higher version, and 1.1.0+update.2 is 1.1.0 to Geeklog",
      },
    ],
  },
  {
    name: "a patch without an update number",
    mutate: (repo) =>
      repo.write(
        `releases/${GREET_SLUG}/1.1.0+update.2.yaml`,
        geeklogReleaseYaml(released("1.1.0+update.2", repo.pins["1.1.0"] ?? ""), ["kind: patch"]),
      ),
    expected: [
      {
        file: `releases/${GREET_SLUG}/1.1.0+update.2.yaml`,
        line: 7,
        col: 9,
        message: "geeklog.update: a patch needs its update number",
      },
    ],
  },
  {
    name: "a patch whose update number is not above the last one",
    mutate: (repo) => {
      repo.write(
        `releases/${GREET_SLUG}/1.2.0.yaml`,
        geeklogReleaseYaml(released("1.2.0", repo.pins["1.1.0+update.1"] ?? ""), ["kind: upgrade"]),
      );
      repo.write(
        `releases/${GREET_SLUG}/1.2.0+update.1.yaml`,
        geeklogReleaseYaml(released("1.2.0+update.1", repo.pins["1.1.0+update.1"] ?? ""), ["kind: patch", "update: 1"]),
      );
    },
    expected: [
      {
        file: `releases/${GREET_SLUG}/1.2.0+update.1.yaml`,
        line: 8,
        col: 11,
        message: "geeklog.update: expected more than 1 (the update number of 1.1.0+update.1)",
      },
    ],
  },
  {
    name: "a name with a quote the client would write into SQL",
    mutate: (repo) =>
      repo.write(
        `releases/${GREET_SLUG}/plugin.yaml`,
        GREET_PLUGIN_YAML.replace("name: Greet\n", "name: Greet's Plugin\n"),
      ),
    expected: [
      {
        file: `releases/${GREET_SLUG}/plugin.yaml`,
        line: 1,
        col: 7,
        message: `name: the Geeklog repository client writes this text unescaped into SQL (its plugin_repository_list table), so it must not contain "'" (found at character 6)`,
      },
    ],
  },
  {
    name: "a description with a backslash the client would write into SQL",
    mutate: (repo) =>
      repo.write(
        `releases/${GREET_SLUG}/plugin.yaml`,
        GREET_PLUGIN_YAML.replace("description: A Geeklog plugin for tests.", "description: 'Greets C:\\Users too.'"),
      ),
    expected: [
      {
        file: `releases/${GREET_SLUG}/plugin.yaml`,
        line: 4,
        col: 14,
        message: `description: the Geeklog repository client writes this text unescaped into SQL (its plugin_repository_list table), so it must not contain "\\\\"`,
      },
    ],
  },
  {
    name: "a WordPress-only field in a Geeklog plugin.yaml",
    mutate: (repo) => repo.write(`releases/${GREET_SLUG}/plugin.yaml`, `${GREET_PLUGIN_YAML}requires_wp: "6.0"\n`),
    expected: [
      {
        file: `releases/${GREET_SLUG}/plugin.yaml`,
        line: 12,
        col: 14,
        message: "requires_wp: only for platform wordpress, not geeklog: use geeklog.requires_geeklog",
      },
    ],
  },
  {
    name: "issue 14: a rollout guard in a Geeklog release (refused as WordPress-only, not as lacking a rollout)",
    mutate: (repo) =>
      repo.write(
        `releases/${GREET_SLUG}/1.2.0.yaml`,
        `${geeklogReleaseYaml(released("1.2.0", repo.pins["1.1.0+update.1"] ?? ""), ["kind: upgrade"])}guard:\n  max_error_rise_points: 5\n  min_sites: 20\n`,
      ),
    expected: [
      {
        file: `releases/${GREET_SLUG}/1.2.0.yaml`,
        line: 8,
        col: 1,
        message:
          "guard: only for platform wordpress, not geeklog: a Geeklog release has no rollout for a guard to halt",
      },
    ],
  },
  {
    name: "a Geeklog plugin.yaml without its geeklog block",
    mutate: (repo) =>
      repo.write(`releases/${GREET_SLUG}/plugin.yaml`, GREET_PLUGIN_YAML.replace(/geeklog:\n( {2}.*\n)+/, "")),
    expected: [
      {
        file: `releases/${GREET_SLUG}/plugin.yaml`,
        line: 1,
        col: 1,
        message: "geeklog: required for platform geeklog",
      },
    ],
  },
  {
    name: "a file outside the three folders",
    mutate: (repo) =>
      releaseWithSource(repo, () => repo.write(`source/${GREET_SLUG}/README.md`, "# Greet\n"), ["kind: upgrade"]),
    expected: [
      {
        file: `releases/${GREET_SLUG}/1.2.0.yaml`,
        line: 4,
        col: 9,
        message: `"README.md" is outside admin/, public_html/ and plugins/`,
      },
    ],
  },
  {
    name: "SQL naming a table another way than {$_TABLES['key']}",
    mutate: (repo) =>
      repo.write(
        `releases/${GREET_SLUG}/1.2.0.yaml`,
        geeklogReleaseYaml(released("1.2.0", repo.pins["1.1.0+update.1"] ?? ""), [
          "kind: upgrade",
          "sql:",
          `  - "DELETE FROM {$_CONF['table']}"`,
        ]),
      ),
    expected: [
      {
        file: `releases/${GREET_SLUG}/1.2.0.yaml`,
        line: 9,
        col: 7,
        message: "geeklog.sql[0]: expected tables written as {$_TABLES['key']}",
      },
    ],
  },
  {
    name: "an own update.php PHP cannot parse",
    mutate: (repo) =>
      releaseWithSource(
        repo,
        () =>
          repo.write(
            `source/${GREET_SLUG}/update.php`,
            "<?php\nclass UpdatePlugin implements PluginUpdateInterface {\n",
          ),
        ["kind: upgrade", "update_class: own"],
      ),
    expected: [{ file: `releases/${GREET_SLUG}/1.2.0.yaml`, line: 8, col: 17, message: "geeklog.update_class: own: " }],
  },
  {
    name: "an own update.php naming another plugin and without init()",
    mutate: (repo) =>
      releaseWithSource(
        repo,
        () =>
          repo.write(
            `source/${GREET_SLUG}/update.php`,
            "<?php\nclass UpdatePlugin implements PluginUpdateInterface\n{\n    public static $_SQL_DATA = array();\n    public static $_SQL_PTABLES = array();\n    public static $PLUGIN_NAME = 'other';\n}\n",
          ),
        ["kind: upgrade", "update_class: own"],
      ),
    expected: [
      {
        file: `releases/${GREET_SLUG}/1.2.0.yaml`,
        line: 8,
        col: 17,
        message: "class UpdatePlugin has no public static function init()",
      },
      {
        file: `releases/${GREET_SLUG}/1.2.0.yaml`,
        line: 8,
        col: 17,
        message: `UpdatePlugin::$PLUGIN_NAME must be the string "greet" (geeklog.name in plugin.yaml), found "other"`,
      },
    ],
  },
  {
    name: "an update.php in the source of a release that renders its own",
    mutate: (repo) =>
      releaseWithSource(repo, () => repo.write(`source/${GREET_SLUG}/update.php`, "<?php\n"), ["kind: upgrade"]),
    expected: [
      {
        file: `releases/${GREET_SLUG}/1.2.0.yaml`,
        line: 7,
        col: 3,
        message: "has its own source/greet-geeklog/update.php: write update_class: own to ship it",
      },
    ],
  },
];

describe("bad Geeklog inputs", () => {
  it.concurrent.for(cases)(
    "issue 13: $name is refused at its file:line:col, and nothing is written",
    async ({ mutate, expected }, { expect, onTestFinished }) => {
      const repo = copy(onTestFinished);
      mutate(repo);
      // The release tree and the sources as the case left them (the package cache may fill).
      const before = repo.git("status", "--porcelain", "--", "releases", "source");
      for (const command of [["build", "--out", "dist"], ["validate"]]) {
        const result = await repo.feedwright(...command);
        expect(result.code, result.stderr).toBe(1);
        const found = problemsIn(result.stderr);
        // These problems and no others (a Geeklog patch is no duplicate of its version, say).
        expect(found, result.stderr).toHaveLength(expected.length);
        for (const problem of expected) {
          expect(found, result.stderr).toContainEqual({
            ...problem,
            message: expect.stringContaining(problem.message),
          });
        }
        expect(existsSync(path.join(repo.root, "dist"))).toBe(false);
        expect(repo.git("status", "--porcelain", "--", "releases", "source")).toBe(before);
      }
    },
  );
});

describe("a good Geeklog plugin", () => {
  let repo: Repo;
  let dist: string;
  beforeAll(async () => {
    repo = Object.assign(copyScratchRepo(template), { pins: template.pins });
    const built = await repo.feedwright("build", "--out", "dist");
    if (built.code !== 0) throw new Error(built.stderr);
    dist = path.join(repo.root, "dist");
  });
  afterAll(() => repo?.cleanup());

  const packageBytes = (version: string) =>
    readFileSync(path.join(dist, pluginFilePath(GREET_SLUG, `${GREET_SLUG}-v${version}.zip`)));

  it("issue 13: is packaged in the client's layout: one top folder named after the plugin, its three folders and update.php", () => {
    const entries = Object.keys(unzipSync(new Uint8Array(packageBytes("1.1.0"))));
    const source = Object.keys(greetSource("1.1.0")).map((file) => `greet/${file}`);
    expect(entries.filter((entry) => !entry.endsWith("/")).sort()).toEqual([...source, "greet/update.php"].sort());
    expect(entries.every((entry) => entry.startsWith("greet/"))).toBe(true);
  });

  it("issue 13: update.php is rendered from the release (class, SQL with the site's table names, tables to back up, the plugin's name) and PHP loads it", async () => {
    const files = unzipSync(new Uint8Array(packageBytes("1.1.0")));
    const text = Buffer.from(files["greet/update.php"] ?? new Uint8Array()).toString("utf8");
    expect(text).toContain("class UpdatePlugin implements PluginUpdateInterface");
    expect(text).toContain("public static $_SQL_PTABLES = array(\n        'greet_items',\n    );");
    expect(text).toContain("public static $PLUGIN_NAME = 'greet';");
    // Loaded as the client loads it, after its interface, with a site's $_TABLES and prefix.
    const loader = `interface PluginUpdateInterface { public static function init(); }
      $_TABLES = array('greet_items' => 'site_greet_items'); $_DB_table_prefix = 'site_';
      require $argv[1];
      echo json_encode(array(UpdatePlugin::$_SQL_DATA, UpdatePlugin::$_SQL_PTABLES, UpdatePlugin::$PLUGIN_NAME, count(UpdatePlugin::$FEEDWRIGHT_FILES)));`;
    const file = path.join(repo.root, "update.php");
    writeFileSync(file, text);
    await run("php", ["-l", file]);
    const { stdout } = await run("php", ["-r", loader, "--", file]);
    expect(JSON.parse(stdout)).toEqual([
      ["ALTER TABLE site_greet_items ADD COLUMN note VARCHAR(40) NOT NULL DEFAULT ''"],
      ["greet_items"],
      "greet",
      3,
    ]);
  });

  it("issue 13: packages are signed and checksummed like every package, and verify checks the Geeklog repository", async () => {
    const result = await repo.feedwright("verify", "dist", "--json");
    expect(result.code, result.stdout).toBe(0);
    const rows = (JSON.parse(result.stdout) as { checks: { check: string; subject: string; ok: boolean }[] }).checks;
    const names = new Set(rows.map((row) => row.check));
    for (const check of [
      "package signature",
      "checksum file",
      "geeklog package",
      "geeklog status",
      "geeklog listing",
      "geeklog entry",
    ])
      expect(names).toContain(check);
    expect(rows.filter((row) => row.check === "geeklog package")).toHaveLength(3);
  });

  it("issue 13: verify fails a listing that is not the one repository.json gives, and a package without update.php", async ({
    onTestFinished,
  }) => {
    const copy = Object.assign(copyScratchRepo(repo), { pins: repo.pins });
    onTestFinished(() => copy.cleanup());
    const built = await copy.feedwright("build", "--out", "dist");
    expect(built.code).toBe(0);
    const listing = path.join(copy.root, "dist", geeklogPath("listing"));
    writeFileSync(listing, readFileSync(listing, "utf8").replace("<name>Greet</name>", "<name>Evil</name>"));
    const zipPath = path.join(copy.root, "dist", pluginFilePath(GREET_SLUG, `${GREET_SLUG}-v1.1.0.zip`));
    const { "greet/update.php": _dropped, ...rest } = unzipSync(new Uint8Array(readFileSync(zipPath)));
    writeFileSync(zipPath, zipSync(rest));
    const result = await copy.feedwright("verify", "dist", "--json");
    expect(result.code).toBe(1);
    const checks = (JSON.parse(result.stdout) as { checks: { check: string; ok: boolean; detail: string }[] }).checks;
    const failed = checks.filter((row) => !row.ok);
    expect(failed.map((row) => row.check)).toEqual(
      expect.arrayContaining(["geeklog listing", "manifest matches file", "geeklog package"]),
    );
    expect(failed.find((row) => row.check === "geeklog package")?.detail).toBe(
      "no greet/update.php, the file Geeklog's client loads",
    );
  });

  it("issue 13: the listing and the index list every stable version, and the updates sites are offered", () => {
    const index = JSON.parse(readFileSync(path.join(dist, GEEKLOG_INDEX_PATH), "utf8")) as GeeklogIndex;
    expect(index.listing.map((entry) => [entry.geeklog_version, entry.plugin_name, entry.requirements])).toEqual([
      ["1.0.0", "greet", "Geeklog 1.6.0, PHP 5.2"],
      ["1.1.0", "greet", "Geeklog 1.6.0, PHP 5.2"],
    ]);
    expect(index.items.map((item) => [item.kind, item.version, item.from, item.update])).toEqual([
      ["upgrade", "1.1.0", "1.0.0", null],
      ["patch", "1.1.0+update.1", "1.1.0", 1],
    ]);
    expect(readFileSync(path.join(dist, geeklogPath("listing")), "utf8")).toBe(renderGeeklogListing(index));
    expect(readFileSync(path.join(dist, geeklogPath("status")), "utf8")).toBe("i:200;");
    const releases = JSON.parse(
      readFileSync(path.join(dist, pluginFilePath(GREET_SLUG, "releases.json")), "utf8"),
    ) as ReleasesDocument;
    const patch = releases.releases.find((release) => release.version === "1.1.0+update.1");
    expect(patch?.requires_wp).toBeNull();
    expect(patch?.geeklog).toEqual({
      kind: "patch",
      geeklog_version: "1.1.0",
      from: "1.1.0",
      update: 1,
      requires_geeklog: "1.6.0",
      sql: ["UPDATE {$_TABLES['greet_items']} SET note = 'patched'"],
      backup_tables: [],
      update_class: "rendered",
    });
    // No WordPress documents for a Geeklog plugin.
    expect(existsSync(path.join(dist, pluginFilePath(GREET_SLUG, "info.json")))).toBe(false);
  });

  it("issue 13: the plugin's page shows the repository URL, patch and upgrade, SQL, tables and Geeklog's requirements, and no WordPress", () => {
    const page = readFileSync(path.join(dist, pluginFilePath(GREET_SLUG, "index.html")), "utf8");
    expect(page).toContain('<code class="geeklog-repository">http://api.example.com/geeklog/repository/main</code>');
    expect(page).toContain("<td>patch: 1.1.0 update 1</td>");
    expect(page).toContain("<td>sites on 1.1.0 with an update count below 1</td>");
    expect(page).toContain("<td>upgrade to 1.1.0</td>");
    expect(page).toContain("<td>sites on 1.0.0</td>");
    expect(page).toContain(
      "<code>ALTER TABLE {$_TABLES[&#x27;greet_items&#x27;]} ADD COLUMN note VARCHAR(40) NOT NULL DEFAULT &#x27;&#x27;</code>",
    );
    expect(page).toContain("<code>greet_items</code>");
    expect(page).toContain("<td>PHP 5.2, Geeklog 1.6.0</td>");
    expect(page).not.toContain("WordPress");
  });

  it("issue 13: two builds of one commit give the same Geeklog packages and repository files", async ({
    onTestFinished,
  }) => {
    const second = Object.assign(copyScratchRepo(repo), { pins: repo.pins });
    onTestFinished(() => second.cleanup());
    const built = await second.feedwright("build", "--out", "dist");
    expect(built.code).toBe(0);
    for (const file of [
      pluginFilePath(GREET_SLUG, `${GREET_SLUG}-v1.1.0+update.1.zip`),
      geeklogPath("listing"),
      GEEKLOG_INDEX_PATH,
    ]) {
      expect(readFileSync(path.join(second.root, "dist", file)), file).toEqual(readFileSync(path.join(dist, file)));
    }
  });
});
