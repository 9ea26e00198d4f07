/**
 * Issue 12: a plugin with many releases builds, validates and checks in time proportional to
 * what changed. What makes that possible is tested here for what a user would notice: the
 * bytes stay the same whichever way they are made (worker threads, many at once, the new ZIP
 * writer against archiver's), a release a trusted record vouches for costs no source read, a
 * record is never trusted beyond its inputs and bytes, and check --base checks what a pull
 * request touches. The timings themselves are `npm run bench`'s, not a test's.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { type EntryData, ZipArchive } from "archiver";
import { afterEach, describe, expect, it } from "vitest";
import { runBuild } from "../scripts/build.ts";
import { type ZipEntry, zipDeterministically } from "../scripts/core/packaging.ts";
import { parseSigningKey } from "../scripts/core/signing.ts";
import { GitRepository } from "../scripts/io/source-reader.ts";
import { readUpdaterVersions } from "../scripts/io/updater-versions.ts";
import { OUTPUT_MARKER, writeOutputFolder } from "../scripts/io/write-output.ts";
import { snapshotFiles } from "./support/files.ts";
import {
  createScratchRepo,
  DEMO_PLUGIN_YAML,
  demoMainFile,
  releaseYaml,
  type ScratchRepo,
  TEST_ENV,
  TEST_SIGNING_KEY,
} from "./support/scratch-repo.ts";

const KEY = parseSigningKey(TEST_SIGNING_KEY);
const CACHE = ".feedwright/cache/packages";
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

type HistoryRepo = ScratchRepo & { pins: string[]; versions: string[] };

/**
 * The demo plugin with `count` releases 1.0.0, 1.0.1, ..., each pinned to a commit of its own
 * (one more helper file changed per version); the newest is update_ready, the rest released.
 * plugin.yaml keeps the default retain (3), so the oldest are beyond retention.
 */
function createHistoryRepo(count: number, pluginYaml = DEMO_PLUGIN_YAML): HistoryRepo {
  const repo = createScratchRepo();
  const pins: string[] = [];
  const versions: string[] = [];
  for (let index = 0; index < count; index++) {
    const version = `1.0.${index}`;
    repo.write("source/demo/demo.php", demoMainFile(version));
    repo.write(`source/demo/includes/part-${index % 3}.php`, `<?php\n// part ${index % 3} as of ${version}\n`);
    repo.write("source/demo/readme.txt", "=== Demo ===\n");
    pins.push(repo.commit(`source ${version}`));
    versions.push(version);
  }
  repo.write("releases/demo/plugin.yaml", pluginYaml);
  versions.forEach((version, index) => {
    repo.write(
      `releases/demo/${version}.yaml`,
      releaseYaml({
        version,
        status: index === count - 1 ? "update_ready" : "released",
        released_at: `2026-01-${String(index + 1).padStart(2, "0")}T00:00:00Z`,
        source: pins[index] ?? "",
        changelog: `Version ${version}.`,
      }),
    );
  });
  repo.commit("releases");
  return Object.assign(repo, { pins, versions });
}

/**
 * Delete what source/ is made of at these commits (its files, and its folders' trees) from
 * the object store, leaving the commits, and leaving whatever the `keep` commits hold too:
 * any read of those sources now fails.
 */
function removeSources(repo: ScratchRepo, commits: string[], keep: string[] = []): void {
  const objectsOf = (commit: string) =>
    repo
      .git("ls-tree", "-r", "-t", commit, "--", "source/")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(/\s+/)[2] ?? "");
  const kept = new Set(keep.flatMap(objectsOf));
  for (const id of new Set(commits.flatMap(objectsOf))) {
    const file = path.join(repo.root, ".git", "objects", id.slice(0, 2), id.slice(2));
    if (!kept.has(id) && existsSync(file)) unlinkSync(file);
  }
  expect(() => repo.git("ls-tree", "-r", commits[0] ?? "", "--", "source/demo/")).toThrow();
}

const buildReport = async (repo: ScratchRepo, ...args: string[]) => {
  const result = await repo.feedwright("build", "--out", "dist", "--json", "--quiet", ...args);
  return {
    ...result,
    report: result.code === 0 ? (JSON.parse(result.stdout) as { packaged: { version: string }[] }) : null,
  };
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function track<T extends { cleanup(): void }>(repo: T): T {
  cleanups.push(() => repo.cleanup());
  return repo;
}

/** The ZIP archiver 8 (zip-stream) wrote for these entries before feedwright wrote its own: the reference. */
async function zipWithArchiver(topFolder: string, entries: ZipEntry[], date: Date): Promise<Buffer> {
  const folders = new Set<string>([""]);
  for (const entry of entries) {
    const parts = entry.path.split("/");
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join("/"));
  }
  const items = [
    ...[...folders].map((folder) => ({
      name: folder === "" ? `${topFolder}/` : `${topFolder}/${folder}/`,
      content: null as Buffer | null,
    })),
    ...entries.map((entry) => ({ name: `${topFolder}/${entry.path}`, content: entry.content })),
  ].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const archive = new ZipArchive({ zlib: { level: 9 }, forceLocalTime: false });
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const finished = new Promise<void>((resolve, reject) => {
    sink.on("finish", resolve);
    archive.on("error", reject);
  });
  archive.pipe(sink);
  for (const item of items) {
    if (item.content === null)
      archive.append(Buffer.alloc(0), {
        name: item.name,
        date,
        mode: 0o755,
        type: "directory",
      } satisfies EntryData);
    else archive.append(item.content, { name: item.name, date, mode: 0o644 });
  }
  await archive.finalize();
  await finished;
  return Buffer.concat(chunks);
}

describe("issue 12: the same bytes, however they are made", () => {
  it("issue 12: the ZIP writer lays out exactly the bytes archiver wrote, entry by entry", async () => {
    // Text that deflates, bytes that do not, an empty file, nested and non-ASCII names, one
    // larger than zlib's 16 KiB output chunks, and this repository's own example plugin.
    let seed = 7;
    const noise = Buffer.from(
      Array.from({ length: 70_000 }, () => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed >>> 24;
      }),
    );
    const example = execFileSync("git", ["ls-files", "source/igny8-wp-bridge"], {
      cwd: path.resolve(import.meta.dirname, ".."),
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .map((file) => ({
        path: file.replace("source/igny8-wp-bridge/", ""),
        content: readFileSync(path.resolve(import.meta.dirname, "..", file)),
      }));
    const entries: ZipEntry[] = [
      ...example,
      { path: "empty.txt", content: Buffer.alloc(0) },
      { path: "a/b/c/deep.php", content: Buffer.from("<?php\n".repeat(5000)) },
      { path: "données/éàü.php", content: Buffer.from("<?php echo 'é';\n") },
      { path: "assets/noise.bin", content: noise },
    ];
    for (const date of [new Date("2026-03-04T05:06:07Z"), new Date("1975-01-01T00:00:00Z")]) {
      const ours = zipDeterministically("demo", entries, date);
      expect(ours.equals(await zipWithArchiver("demo", entries, date))).toBe(true);
    }
  });

  it("issue 12: packaging many releases at once, on worker threads, gives the same bytes as one at a time on the main thread", async () => {
    const repo = track(createHistoryRepo(9, DEMO_PLUGIN_YAML.concat("retain: 10\n")));
    const build = (out: string, options: { concurrency: number; zipThreads: number }) =>
      runBuild({
        repoRoot: repo.root,
        outDir: path.join(repo.root, out),
        cacheDir: path.join(repo.root, `cache-${out}`),
        keys: [KEY],
        ...options,
      });
    const one = await build("one-at-a-time", { concurrency: 1, zipThreads: 0 });
    const many = await build("many", { concurrency: 8, zipThreads: 2 });
    expect(one.packaged).toHaveLength(9);
    expect(many.packaged).toHaveLength(9);
    expect(snapshotFiles(path.join(repo.root, "many"))).toEqual(snapshotFiles(path.join(repo.root, "one-at-a-time")));
  });
});

describe("issue 12: records the cache keeps of what was made and checked", () => {
  it("issue 12: a no-op rebuild trusts the records: it zips nothing and reads no release's source", async () => {
    const repo = track(createHistoryRepo(6));
    const first = await buildReport(repo);
    expect(first.code, first.stderr).toBe(0);
    expect(first.report?.packaged.map((entry) => entry.version)).toEqual(["1.0.2", "1.0.3", "1.0.4", "1.0.5"]);
    const before = snapshotFiles(path.join(repo.root, "dist"));
    // Every release's source is gone from the clone: only the commits are left.
    removeSources(repo, repo.pins);
    const noop = await buildReport(repo);
    expect(noop.code, noop.stderr).toBe(0);
    expect(noop.report?.packaged).toEqual([]);
    expect(snapshotFiles(path.join(repo.root, "dist"))).toEqual(before);
    // Without the records the same build has to read the sources, and cannot.
    rmSync(path.join(repo.root, CACHE), { recursive: true });
    const cold = await buildReport(repo);
    expect(cold.code).toBe(1);
    expect(cold.stderr).toMatch(/^releases\/demo\/1\.0\.\d\.yaml:\d+:\d+ source: /m);
  });

  it("issue 12: a record whose ZIP bytes were altered is not trusted: the package is made again from its source", async () => {
    const repo = track(createHistoryRepo(2));
    expect((await buildReport(repo)).code).toBe(0);
    const published = readFileSync(path.join(repo.root, "dist/plugins/demo/demo-v1.0.1.zip"));
    const cache = path.join(repo.root, CACHE);
    const entry = readdirSync(cache).find(
      (name) => name.endsWith(".zip") && readFileSync(path.join(cache, name)).equals(published),
    );
    const zip = path.join(cache, entry ?? "missing.zip");
    const altered = Buffer.from(published);
    altered[40] = (altered[40] ?? 0) ^ 0xff;
    writeFileSync(zip, altered);
    const rebuilt = await buildReport(repo);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stderr).toMatch(/warning: discarded the cached package of demo 1\.0\.1 \(its ZIP does not hash/);
    expect(rebuilt.report?.packaged.map((entry) => entry.version)).toEqual(["1.0.1"]);
    expect(readFileSync(path.join(repo.root, "dist/plugins/demo/demo-v1.0.1.zip")).equals(published)).toBe(true);
    // And when the source cannot be read either, the build fails rather than publish those bytes.
    writeFileSync(zip, altered);
    removeSources(repo, [repo.pins[1] ?? ""], [repo.pins[0] ?? ""]);
    const failed = await buildReport(repo);
    expect(failed.code).toBe(1);
    expect(readFileSync(path.join(repo.root, "dist/plugins/demo/demo-v1.0.1.zip")).equals(published)).toBe(true);
  });

  it("issue 12: a changed plugin.yaml input or updater invalidates the records: every package is made again", async () => {
    const updaterPath = "includes/feedwright-updater.php";
    const withUpdater = `${DEMO_PLUGIN_YAML}updater_path: ${updaterPath}\npublic_keys:\n  - "${KEY.publicKey}"\n`;
    const repo = track(createHistoryRepo(2, withUpdater));
    // The sources require the updater, as a plugin with updater_path must.
    for (const [index, version] of repo.versions.entries()) {
      repo.write("source/demo/demo.php", `${demoMainFile(version)}require_once __DIR__ . '/${updaterPath}';\n`);
      const pin = repo.commit(`source ${version} with the updater`);
      const file = `releases/demo/${version}.yaml`;
      repo.write(file, repo.read(file).replace(repo.pins[index] ?? "", pin));
    }
    repo.commit("pin the sources with the updater");
    // A copy of the shipped updater versions, to change one as a new feedwright would.
    const updaters = mkdtempSync(path.join(tmpdir(), "feedwright-updaters-"));
    cleanups.push(() => rmSync(updaters, { recursive: true, force: true }));
    for (const version of readUpdaterVersions())
      for (const file of version.files) {
        const target = path.join(updaters, String(version.version), file.path);
        execFileSync("mkdir", ["-p", path.dirname(target)]);
        writeFileSync(target, file.text);
      }
    const build = () =>
      runBuild({ repoRoot: repo.root, outDir: path.join(repo.root, "dist"), keys: [KEY], updaterDir: updaters });
    const versions = (report: { packaged: { version: string }[] }) => report.packaged.map((entry) => entry.version);
    expect(versions(await build())).toEqual(["1.0.0", "1.0.1"]);
    expect(versions(await build())).toEqual([]);
    // An exclude glob that matches nothing: the same files, but another input.
    repo.write("releases/demo/plugin.yaml", `${withUpdater}exclude:\n  - "*.psd"\n`);
    expect(versions(await build())).toEqual(["1.0.0", "1.0.1"]);
    expect(versions(await build())).toEqual([]);
    // The updater version the releases are built with, changed in place.
    const newest = Math.max(...readUpdaterVersions(updaters).map((version) => version.version));
    const entry = path.join(updaters, String(newest), "feedwright-updater.php.hbs");
    writeFileSync(entry, readFileSync(entry, "utf8").replace("<?php\n", "<?php\n// changed\n"));
    expect(versions(await build())).toEqual(["1.0.0", "1.0.1"]);
    // A release that records another updater version than the one its record was made with.
    repo.write("releases/demo/1.0.0.yaml", `${repo.read("releases/demo/1.0.0.yaml")}updater_version: 1\n`);
    expect(versions(await build())).toEqual(["1.0.0"]);
  });

  it("issue 12: validate checks each release once for its inputs, then trusts the records; without the key it checks everything", async () => {
    const repo = track(createHistoryRepo(6));
    expect((await buildReport(repo)).code).toBe(0);
    // The first validate packages (in memory) what the build did not: the releases beyond retention.
    expect((await repo.feedwright("validate")).code).toBe(0);
    removeSources(repo, repo.pins);
    const trusted = await repo.feedwright("validate");
    expect(trusted.stderr).toBe("ok: 1 plugin(s), 6 release(s), no problems\n");
    expect(trusted.code).toBe(0);
    // The file of checked records edited (by hand, or by whoever can write the cache but not
    // sign): none of its records counts; the packages' own records still do.
    const checked = path.join(repo.root, CACHE, "checked-releases.json");
    writeFileSync(checked, readFileSync(checked, "utf8").replace('"kind":"package"', '"kind":"source"'));
    const tampered = await repo.feedwright("validate");
    expect(tampered.code).toBe(1);
    expect(tampered.stderr.match(/^releases\/demo\/1\.0\.[01]\.yaml:\d+:\d+ source: /gm)).toHaveLength(2);
    // Without the build's key nothing in the cache can be trusted: every source is read.
    const noKey = Object.fromEntries(Object.entries(TEST_ENV).filter(([name]) => name !== "FEEDWRIGHT_SIGNING_KEY"));
    const untrusted = await repo.feedwrightWithEnv(noKey, "validate");
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr.match(/^releases\/demo\/1\.0\.\d\.yaml:\d+:\d+ source: /gm)).toHaveLength(6);
    // Another input (an exclude glob) is not what the records vouch for: read again, and failing.
    repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}exclude:\n  - "*.psd"\n`);
    const changed = await repo.feedwright("validate");
    expect(changed.code).toBe(1);
    expect(changed.stderr.match(/^releases\/demo\/1\.0\.\d\.yaml:\d+:\d+ source: /gm)).toHaveLength(6);
  });
});

describe("issue 12: releases the build does not package", () => {
  it("issue 12: a release beyond retention is still refused for an unsafe name, a symlink out of its folder or no main file", async () => {
    const repo = track(createHistoryRepo(4, DEMO_PLUGIN_YAML.concat("retain: 0\n")));
    // Three more commits, each with a fault in its source, pinned by the three oldest releases.
    const repin = (version: string, pin: string) => {
      const file = `releases/demo/${version}.yaml`;
      repo.write(file, repo.read(file).replace(/^source: .*$/m, `source: "${pin}"`));
    };
    repo.write("source/demo/a\\..\\evil.php", "<?php\n");
    repin("1.0.0", repo.commit("a backslash name"));
    repo.remove("source/demo/a\\..\\evil.php");
    execFileSync("ln", ["-s", "../../outside.php", path.join(repo.root, "source/demo/out.php")]);
    repin("1.0.1", repo.commit("a symlink out of the folder"));
    repo.remove("source/demo/out.php");
    const main = repo.read("source/demo/demo.php");
    repo.remove("source/demo/demo.php");
    repin("1.0.2", repo.commit("no main file"));
    repo.write("source/demo/demo.php", main);
    repo.commit("the faulty pins");
    const result = await buildReport(repo);
    expect(result.code).toBe(1);
    const lineOf = (version: string) =>
      result.stderr.split("\n").find((line) => line.startsWith(`releases/demo/${version}.yaml:`)) ?? "";
    expect(lineOf("1.0.0")).toMatch(
      /source: commit [0-9a-f]{12} has the file "a\\\\\.\.\\\\evil\.php" in source\/demo\/, which is not a safe path to package/,
    );
    expect(lineOf("1.0.1")).toContain("source: symlink out.php points outside the plugin folder (../../outside.php)");
    expect(lineOf("1.0.2")).toMatch(/source: commit [0-9a-f]{12} has no demo\.php in source\/demo\//);
    expect(lineOf("1.0.3")).toBe("");
  });
});

describe("issue 12: check --base checks what a pull request touches", () => {
  /** The base on main, then a pull request branch adding release 1.0.<count> on top of it. */
  function openPullRequest(repo: HistoryRepo, sha256Line = ""): string {
    repo.git("branch", "-f", "base");
    const version = `1.0.${repo.versions.length}`;
    repo.write("source/demo/demo.php", demoMainFile(version));
    const pin = repo.commit(`source ${version}`);
    repo.write(
      `releases/demo/${version}.yaml`,
      `${releaseYaml({ version, status: "released", released_at: "2026-02-01T00:00:00Z", source: pin, changelog: "New." })}${sha256Line}`,
    );
    repo.commit(`release ${version}`);
    return version;
  }
  // As a pull request's CI runs it: no signing key, no cache.
  const noKey = Object.fromEntries(Object.entries(TEST_ENV).filter(([name]) => name !== "FEEDWRIGHT_SIGNING_KEY"));

  it("issue 12: check --base reads only the releases a pull request touches, and every release when anything outside releases/ and source/ changes", async () => {
    const repo = track(createHistoryRepo(4));
    const version = openPullRequest(repo);
    // The base's releases were checked when they were added; the sources of the first three
    // are now unreadable (what git needs to compare the two trees is kept), so any check that
    // reads one fails.
    removeSources(repo, repo.pins.slice(0, 3), [repo.git("rev-parse", "base"), repo.git("rev-parse", "HEAD")]);
    const touched = await repo.feedwrightWithEnv(noKey, "check", "--base", "base");
    expect(touched.stderr).not.toMatch(/source: /);
    expect(touched.stdout).toContain(version);
    expect(touched.code).toBe(0);
    // Without a base there is nothing to compare with: every release is checked.
    expect((await repo.feedwrightWithEnv(noKey, "check")).code).toBe(1);
    // A change outside releases/ and source/ (a lockfile, feedwright itself) can change every package.
    repo.write("package.json", "{}\n");
    repo.commit("a change beside the releases");
    const everything = await repo.feedwrightWithEnv(noKey, "check", "--base", "base");
    expect(everything.code).toBe(1);
    expect(everything.stderr.match(/^releases\/demo\/1\.0\.\d\.yaml:\d+:\d+ source: /gm)).toHaveLength(3);
  });

  it("issue 12: check --base still checks what the pull request adds: a wrong recorded sha256 fails it", async () => {
    const repo = track(createHistoryRepo(2));
    openPullRequest(repo, `sha256: "${"0".repeat(64)}"\n`);
    const result = await repo.feedwrightWithEnv(noKey, "check", "--base", "base");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /releases\/demo\/1\.0\.2\.yaml:\d+:\d+ sha256: the rebuilt package is [0-9a-f]{64}, not the recorded 0{64}/,
    );
  });
});

describe("issue 12: what is published is what was hashed", () => {
  let parent = "";
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it("issue 12: the output writer refuses a package copied from the cache whose bytes are not the ones it signed", async () => {
    parent = mkdtempSync(path.join(tmpdir(), "feedwright-out-"));
    const out = path.join(parent, "dist");
    const cached = path.join(parent, "cached.zip");
    writeFileSync(cached, "the package\n");
    await writeOutputFolder(out, [{ path: "a.zip", copyFrom: cached, sha256: sha256(Buffer.from("the package\n")) }]);
    expect(readFileSync(path.join(out, "a.zip"), "utf8")).toBe("the package\n");
    // Changed after it was hashed and signed (by a careless copy, or on purpose).
    writeFileSync(cached, "another package\n");
    await expect(
      writeOutputFolder(out, [{ path: "a.zip", copyFrom: cached, sha256: sha256(Buffer.from("the package\n")) }]),
    ).rejects.toThrow(/refusing to publish .*cached\.zip: it changed while the build ran/);
    expect(readFileSync(path.join(out, "a.zip"), "utf8")).toBe("the package\n");
    expect(readdirSync(parent).sort()).toEqual(["cached.zip", "dist"]);
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, "a.zip"]);
  });
});

describe("issue 12: one git process reads every source", () => {
  it("issue 12: GitRepository lists a commit's folder exactly as git ls-tree -r does", async () => {
    const repo = track(createScratchRepo());
    repo.write("source/x/a file.php", "<?php\n");
    repo.write("source/x/données/é.php", "<?php\n");
    repo.write("source/x/z/y/x/deep.txt", "deep\n");
    repo.write("source/x/run.sh", "#!/bin/sh\n");
    repo.write("source/x-other/not-this.php", "<?php\n");
    repo.write("source/xx.php", "<?php\n");
    repo.commit("files");
    repo.git("update-index", "--chmod=+x", "source/x/run.sh");
    repo.git("update-index", "--add", "--cacheinfo", `160000,${"1".repeat(40)},source/x/module`);
    execFileSync("ln", ["-s", "a file.php", path.join(repo.root, "source/x/link.php")]);
    repo.git("add", "source/x/link.php");
    repo.git("commit", "-q", "-m", "modes");
    const head = repo.git("rev-parse", "HEAD");
    const expected = execFileSync("git", ["ls-tree", "-r", "-z", "--full-tree", head, "--", "source/x/"], {
      cwd: repo.root,
      encoding: "utf8",
    })
      .split("\0")
      .filter(Boolean)
      .map((record) => {
        const [meta, file] = record.split("\t");
        const [mode, type, id] = (meta ?? "").split(" ");
        return { type, entry: { path: (file ?? "").slice("source/x/".length), mode: mode ?? "", id: id ?? "" } };
      })
      .filter(({ type }) => type === "blob")
      .map(({ entry }) => entry);
    const git = new GitRepository(repo.root);
    try {
      expect(await git.listTree(head, "source/x")).toEqual(expected);
      expect(expected.map((entry) => entry.mode)).toEqual(expect.arrayContaining(["100644", "100755", "120000"]));
      expect(await git.listTree(head, "source/missing")).toEqual([]);
      const blobs = await git.readBlobs(expected.map((entry) => entry.id));
      expect(blobs.get(expected.find((entry) => entry.path === "z/y/x/deep.txt")?.id ?? "")?.toString()).toBe("deep\n");
      expect(await git.objectType("0".repeat(40))).toBeNull();
    } finally {
      git.close();
    }
  });
});

describe("issue 12: release files are parsed once", () => {
  it("issue 12: an unchanged release file is not parsed again, yet a problem in it is pointed at; a tampered memo is ignored", async () => {
    const repo = track(createHistoryRepo(2));
    expect((await buildReport(repo)).code).toBe(0);
    const memo = path.join(repo.root, CACHE, "release-files.json");
    expect(existsSync(memo)).toBe(true);
    // Edited in the memo, not in the file: the MAC no longer checks out, so the file is read.
    writeFileSync(memo, readFileSync(memo, "utf8").replace("Version 1.0.1.", "Tampered."));
    expect((await buildReport(repo)).code).toBe(0);
    const releases = readFileSync(path.join(repo.root, "dist/plugins/demo/releases.json"), "utf8");
    expect(releases).toContain("Version 1.0.1.");
    expect(releases).not.toContain("Tampered.");
    // A problem found in a remembered file (a duplicate version added beside it) is still
    // pointed at in that file, at the line and column of its field.
    repo.write(
      "releases/demo/1.0.1+b2.yaml",
      releaseYaml({ version: "1.0.1+b2", status: "testing", source: repo.pins[1] ?? "", changelog: "Again." }),
    );
    const duplicate = await buildReport(repo);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain(
      "releases/demo/1.0.1.yaml:1:10 version: duplicate of releases/demo/1.0.1+b2.yaml",
    );
  });
});
