import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReleasesDocument } from "../scripts/contract/index.ts";
import { demoRepoTest } from "./support/demo-repo-test.ts";
import { listFiles, snapshotFiles } from "./support/files.ts";
import { CHECK_UPDATE_FIELDS, INFO_FIELDS } from "./support/original-shapes.ts";
import { demoMainFile, releaseYaml, type ScratchRepo, TEST_ENV } from "./support/scratch-repo.ts";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(PROJECT_ROOT, "scripts/bin/feedwright.js");
const SLUG = "igny8-wp-bridge";

function sha256Of(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** Build a clone of this repository in a child process with its own time zone and umask. */
function buildClone(name: string, env: { TZ: string; umask: string }): string {
  const clone = mkdtempSync(path.join(tmpdir(), `feedwright-${name}-`));
  execFileSync("git", ["clone", "-q", PROJECT_ROOT, clone]);
  execFileSync(
    "sh",
    [
      "-c",
      `umask ${env.umask} && exec "$0" "$1" build --quiet --root "$2" --out "$2/dist"`,
      process.execPath,
      CLI,
      clone,
    ],
    { env: { ...TEST_ENV, TZ: env.TZ, LANG: "C" }, stdio: "pipe" },
  );
  return clone;
}

describe("the example feed, built from two fresh clones", () => {
  let first: string;
  let second: string;
  beforeAll(() => {
    first = buildClone("tokyo", { TZ: "Asia/Tokyo", umask: "022" });
    second = buildClone("newyork", { TZ: "America/New_York", umask: "077" });
  });
  afterAll(() => {
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  });

  it("is byte-identical across directories, time zones and umasks, signatures and serial included", () => {
    const a = snapshotFiles(path.join(first, "dist"));
    const b = snapshotFiles(path.join(second, "dist"));
    expect([...a.keys()]).toEqual(expect.arrayContaining([`plugins/${SLUG}/${SLUG}-v1.2.0.zip.sig`, "feed.json.sig"]));
    expect(b).toEqual(a);
  });

  it("packages the main file with the version in the header and the constant, and no dev files", () => {
    const zip = path.join(first, "dist/plugins", SLUG, `${SLUG}-v1.1.1.zip`);
    const mainFile = execFileSync("unzip", ["-p", zip, `${SLUG}/igny8-bridge.php`], { encoding: "utf8" });
    expect(mainFile).toMatch(/^ \* Version: 1\.1\.1$/m);
    expect(mainFile).toContain("define( 'IGNY8_BRIDGE_VERSION', '1.1.1' );");
    expect(mainFile).toContain("https://api.igny8.com/api");
    const names = execFileSync("unzip", ["-Z1", zip], { encoding: "utf8" }).trim().split("\n");
    expect(names.every((name) => name.startsWith(`${SLUG}/`))).toBe(true);
    expect(names).toContain(`${SLUG}/includes/class-igny8-bridge-settings.php`);
    for (const devFile of ["/tests/", ".bak", ".DS_Store", "tester"]) {
      expect(names.filter((name) => name.includes(devFile))).toEqual([]);
    }
  });

  it("records the same SHA-256 in the .sha256 file, releases.json and the release YAML", () => {
    const folder = path.join(first, "dist/plugins", SLUG);
    const releases = JSON.parse(readFileSync(path.join(folder, "releases.json"), "utf8")) as ReleasesDocument;
    const packaged = releases.releases.filter((release) => release.packaged);
    expect(packaged.map((release) => release.version)).toEqual(["1.3.0-beta.1", "1.2.0", "1.1.1", "1.1.0", "1.0.0"]);
    for (const release of packaged) {
      const zipName = `${SLUG}-v${release.version}.zip`;
      const actual = sha256Of(path.join(folder, zipName));
      expect(readFileSync(path.join(folder, `${zipName}.sha256`), "utf8")).toBe(`${actual}  ${zipName}\n`);
      expect(release.sha256).toBe(actual);
      expect(release.size).toBe(statSync(path.join(folder, zipName)).size);
      expect(release.md5).toBe(
        createHash("md5")
          .update(readFileSync(path.join(folder, zipName)))
          .digest("hex"),
      );
      expect(readFileSync(path.join(first, "releases", SLUG, `${release.version}.yaml`), "utf8")).toContain(actual);
    }
  });

  it("answers check-update and info in the original service's shape for the latest stable", () => {
    const folder = path.join(first, "dist/plugins", SLUG);
    const checkUpdate = JSON.parse(readFileSync(path.join(folder, "check-update.json"), "utf8"));
    expect(Object.keys(checkUpdate).slice(0, 9)).toEqual([...CHECK_UPDATE_FIELDS]);
    expect(checkUpdate).toMatchObject({ latest_version: "1.2.0", latest_version_code: 10200, autoupdate: true });
    expect(checkUpdate.checksum).toBe(sha256Of(path.join(folder, `${SLUG}-v1.2.0.zip`)));
    const info = JSON.parse(readFileSync(path.join(folder, "info.json"), "utf8"));
    for (const field of INFO_FIELDS) {
      expect(info).toHaveProperty(field);
    }
    expect(info).toMatchObject({ version: "1.2.0", requires: "6.0", tested: "6.7", requires_php: "7.4" });
    expect(info.sections.changelog).toContain("<strong>Sync now</strong>");
    const beta = JSON.parse(readFileSync(path.join(folder, "info-beta.json"), "utf8"));
    expect(beta.version).toBe("1.3.0-beta.1");
    expect(readFileSync(path.join(folder, `${SLUG}-latest.zip`))).toEqual(
      readFileSync(path.join(folder, `${SLUG}-v1.2.0.zip`)),
    );
  });
});

describe("building a scratch repository", () => {
  // Each test has a repository of its own (the demo plugin at 1.0.0 and 1.1.0): one failing
  // test leaves nothing behind for the next.
  const it = demoRepoTest;

  const buildJson = async (repo: ScratchRepo) => {
    const result = await repo.feedwright("build", "--out", "dist", "--json", "--quiet");
    expect(result.stderr).not.toMatch(/problem/);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as { packaged: { version: string }[]; reused: { version: string }[] };
  };

  it("packages nothing on a rebuild with nothing changed, and only a new release after adding one", async ({
    repo,
  }) => {
    const firstBuild = await buildJson(repo);
    expect(firstBuild.packaged.map((p) => p.version)).toEqual(["1.0.0", "1.1.0"]);
    const before = snapshotFiles(path.join(repo.root, "dist"));

    const noop = await buildJson(repo);
    expect(noop.packaged).toEqual([]);
    expect(noop.reused.map((p) => p.version)).toEqual(["1.0.0", "1.1.0"]);
    expect(snapshotFiles(path.join(repo.root, "dist"))).toEqual(before);

    repo.write("source/demo/demo.php", demoMainFile("1.2.0"));
    const pin = repo.commit("source 1.2.0");
    repo.write(
      "releases/demo/1.2.0.yaml",
      releaseYaml({
        version: "1.2.0",
        status: "released",
        released_at: "2026-03-01T00:00:00Z",
        source: pin,
        changelog: "Third.",
      }),
    );
    const added = await buildJson(repo);
    expect(added.packaged.map((p) => p.version)).toEqual(["1.2.0"]);
    const after = snapshotFiles(path.join(repo.root, "dist"));
    for (const version of ["1.0.0", "1.1.0"]) {
      const zip = `plugins/demo/demo-v${version}.zip`;
      expect(after.get(zip)).toEqual(before.get(zip));
    }
  });

  it("checks a changed api_base again even when every package is in the cache", async ({ repo }) => {
    await buildJson(repo);
    const pluginYaml = repo.read("releases/demo/plugin.yaml");
    repo.write(
      "releases/demo/plugin.yaml",
      pluginYaml.replace("https://api.example.com/api", "https://api.other.example/api"),
    );
    const result = await repo.feedwright("build", "--out", "dist", "--quiet");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("does not contain the api_base https://api.other.example/api");
  });

  it("hands 'latest' back to the newest good release when the latest is deprecated", async ({ repo }) => {
    const original = repo.read("releases/demo/1.1.0.yaml");
    repo.write("releases/demo/1.1.0.yaml", original.replace('status: "update_ready"', 'status: "deprecated"'));
    await buildJson(repo);
    const dist = path.join(repo.root, "dist/plugins/demo");
    const info = JSON.parse(readFileSync(path.join(dist, "info.json"), "utf8"));
    expect(info.version).toBe("1.0.0");
    expect(readFileSync(path.join(dist, "demo-latest.zip"))).toEqual(readFileSync(path.join(dist, "demo-v1.0.0.zip")));
    const releases = JSON.parse(readFileSync(path.join(dist, "releases.json"), "utf8"));
    expect(releases.releases[0]).toMatchObject({
      version: "1.1.0",
      status: "deprecated",
      offered: false,
      packaged: true,
    });
  });

  it("offers a beta-channel site the newest of beta and stable", async ({ repo }) => {
    repo.write("source/demo/demo.php", demoMainFile("0.9.0"));
    const pin = repo.commit("source for an old beta");
    repo.write(
      "releases/demo/1.1.0-beta.1.yaml",
      releaseYaml({ version: "1.1.0-beta.1", status: "testing", source: pin, changelog: "Beta." }),
    );
    await buildJson(repo);
    const dist = path.join(repo.root, "dist/plugins/demo");
    expect(JSON.parse(readFileSync(path.join(dist, "info-beta.json"), "utf8")).version).toBe("1.1.0");
    // A beta behind the stable is offered to no one: listed, not packaged, no retention place used.
    const oldBeta = JSON.parse(readFileSync(path.join(dist, "releases.json"), "utf8")).releases.find(
      (release: { version: string }) => release.version === "1.1.0-beta.1",
    );
    expect(oldBeta).toMatchObject({ packaged: false, skip_reason: "beta superseded by the stable 1.1.0" });
    repo.write(
      "releases/demo/1.2.0-beta.1.yaml",
      releaseYaml({ version: "1.2.0-beta.1", status: "staged", source: pin, changelog: "Beta 2." }),
    );
    await buildJson(repo);
    expect(JSON.parse(readFileSync(path.join(dist, "info-beta.json"), "utf8")).version).toBe("1.2.0-beta.1");
    expect(JSON.parse(readFileSync(path.join(dist, "info.json"), "utf8")).version).toBe("1.1.0");
  });

  it("lists superseded releases beyond retain without packaging them", async ({ repo }) => {
    const pluginYaml = repo.read("releases/demo/plugin.yaml");
    repo.write("releases/demo/plugin.yaml", `${pluginYaml}retain: 0\n`);
    const result = await buildJson(repo);
    expect(result.packaged.concat(result.reused).map((p) => p.version)).toEqual(["1.1.0"]);
    const dist = path.join(repo.root, "dist/plugins/demo");
    expect(listFiles(dist)).not.toContain("demo-v1.0.0.zip");
    const releases = JSON.parse(readFileSync(path.join(dist, "releases.json"), "utf8"));
    expect(releases.releases[1]).toMatchObject({
      version: "1.0.0",
      packaged: false,
      url: null,
      skip_reason: "superseded by 1.1.0 and beyond retain (0)",
    });
  });

  it("packages a symlink that stays inside the plugin folder as the file it points to", async ({ repo }) => {
    repo.write("source/demo/demo.php", demoMainFile("1.2.0"));
    repo.write("source/demo/includes/real.php", "<?php // real\n");
    symlinkSync("real.php", path.join(repo.root, "source/demo/includes/alias.php"));
    const pin = repo.commit("source with an inside symlink");
    repo.write(
      "releases/demo/1.2.0.yaml",
      releaseYaml({ version: "1.2.0", status: "testing", source: pin, changelog: "Link." }),
    );
    await buildJson(repo);
    const zip = path.join(repo.root, "dist/plugins/demo/demo-v1.2.0.zip");
    expect(execFileSync("unzip", ["-p", zip, "demo/includes/alias.php"], { encoding: "utf8" })).toBe("<?php // real\n");
  });

  it("says a shallow clone lacks the pinned history and how to fix it", async ({ repo }) => {
    const shallow = mkdtempSync(path.join(tmpdir(), "feedwright-shallow-"));
    try {
      execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo.root}`, shallow]);
      const result = execFileSyncStatus(process.execPath, [
        CLI,
        "build",
        "--root",
        shallow,
        "--out",
        path.join(shallow, "dist"),
      ]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /releases\/demo\/1\.0\.0\.yaml:\d+:\d+ source: commit [0-9a-f]{40} is not in this clone because it is shallow: run `git fetch --unshallow`/,
      );
      expect(listFiles(shallow)).not.toContain("dist");
    } finally {
      rmSync(shallow, { recursive: true, force: true });
    }
  });
});

describe("a feed that would already have expired", () => {
  /** An empty commit whose time is `days` before now, as a publish job re-run on an old commit sees HEAD. */
  function commitDaysAgo(repo: ScratchRepo, days: number): string {
    const date = new Date(Date.now() - days * 86_400_000).toISOString();
    execFileSync("git", ["commit", "-q", "--allow-empty", "-m", "an old commit"], {
      cwd: repo.root,
      env: { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date },
    });
    return repo.git("rev-parse", "HEAD");
  }

  demoRepoTest(
    "issue 11 item 9: a publishing build whose feed would already have expired refuses it: exit 1, why, the output as it was",
    async ({ repo }) => {
      expect((await repo.feedwright("build", "--out", "dist", "--quiet", "--require-key")).code).toBe(0);
      const before = snapshotFiles(path.join(repo.root, "dist"));
      const head = commitDaysAgo(repo, 31);

      const result = await repo.feedwright("build", "--out", "dist", "--require-key");
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^error: refusing to publish a feed that has already expired: it expires 30 day\\(s\\) after the time of commit ${head.slice(0, 12)} \\(.+\\), at .+, and it is now .+; every site would refuse it\\. Build a newer commit .+ or give a longer --expires-in-days; nothing was written\n$`,
        ),
      );
      expect(result.stdout).toBe("");
      // Refused before anything was packaged or written: no progress line, the output as it was.
      expect(snapshotFiles(path.join(repo.root, "dist"))).toEqual(before);
      expect(listFiles(repo.root).filter((file) => /^dist[.-]/.test(file))).toEqual([]);

      const json = await repo.feedwright("build", "--out", "dist", "--require-key", "--json");
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toEqual({
        ok: false,
        error: { message: expect.stringContaining("already expired"), exit_code: 1, problems: [] },
      });

      // A longer expiry (or a newer commit) publishes it.
      const longer = await repo.feedwright(
        ...["build", "--out", "dist", "--quiet", "--require-key", "--expires-in-days", "60"],
      );
      expect(longer.code, longer.stderr).toBe(0);
      const feed = JSON.parse(readFileSync(path.join(repo.root, "dist/feed.json"), "utf8"));
      expect(Date.parse(feed.expires)).toBeGreaterThan(Date.now());
    },
  );

  demoRepoTest("issue 11 item 9: a feed that is still valid, however briefly, is published", async ({ repo }) => {
    commitDaysAgo(repo, 29);
    const result = await repo.feedwright("build", "--out", "dist", "--quiet", "--require-key");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("expired");
  });

  demoRepoTest(
    "issue 11 item 9: a build that does not publish (no --require-key: a local build of an old clone) writes it with a warning",
    async ({ repo }) => {
      commitDaysAgo(repo, 31);
      const result = await repo.feedwright("build", "--out", "dist", "--quiet");
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        /^warning: this feed has already expired: it expires 30 day\(s\) after .*; every site would refuse it; a publishing build \(--require-key\) refuses it$/m,
      );
      const feed = JSON.parse(readFileSync(path.join(repo.root, "dist/feed.json"), "utf8"));
      expect(Date.parse(feed.expires)).toBeLessThan(Date.now());
    },
  );
});

function execFileSyncStatus(command: string, args: string[]): { status: number; stderr: string } {
  try {
    execFileSync(command, args, { stdio: "pipe", encoding: "utf8" });
    return { status: 0, stderr: "" };
  } catch (error) {
    const failure = error as { status: number; stderr: string };
    return { status: failure.status, stderr: failure.stderr };
  }
}
