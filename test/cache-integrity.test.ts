/**
 * Issue 9 item 2: the package cache is not trusted. Whatever the cache holds (a flipped byte, a
 * 0-byte ZIP, another ZIP with facts to match, another release's whole entry), the build
 * publishes the package its inputs make, says it did not reuse the entry, and signs the bytes
 * it publishes; a recorded sha256 is checked against those bytes.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseSigningKey, verifyFileSignature } from "../scripts/core/signing.ts";
import { createDemoRepo, type ScratchRepo, TEST_SIGNING_KEY } from "./support/scratch-repo.ts";

const KEY = parseSigningKey(TEST_SIGNING_KEY);
const CACHE = ".feedwright/cache/packages";

type DemoRepo = ScratchRepo & { pins: Record<string, string> };

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

describe("issue 9 item 2: a package cache that does not hold what its keys say", () => {
  let repo: DemoRepo;
  /** The correct package of each version, from a build with an empty cache. */
  const correct = new Map<string, Buffer>();
  /** The cache entry (file path without .zip/.json) of each version. */
  const entries = new Map<string, string>();

  beforeEach(async () => {
    repo = createDemoRepo();
    const result = await repo.feedwright("build", "--out", "dist", "--quiet");
    expect(result.code).toBe(0);
    const cache = path.join(repo.root, CACHE);
    for (const version of ["1.0.0", "1.1.0"]) {
      const zip = readFileSync(path.join(repo.root, `dist/plugins/demo/demo-v${version}.zip`));
      correct.set(version, zip);
      const entry = readdirSync(cache).find(
        (name) => name.endsWith(".zip") && readFileSync(path.join(cache, name)).equals(zip),
      );
      expect(entry).toBeDefined();
      entries.set(version, path.join(cache, (entry ?? "").slice(0, -".zip".length)));
    }
  });
  afterEach(() => repo.cleanup());

  const entry = (version: string) => entries.get(version) ?? "";

  /** Rebuild; the published 1.1.0 (and latest) must be the correct bytes and verify against their .sig. */
  async function expectCorrectRebuild(version: string): Promise<string> {
    const result = await repo.feedwright("build", "--out", "dist", "--json");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(
        `^warning: discarded the cached package of demo ${version.replaceAll(".", "\\.")} \\(.+\\) and packaged it again$`,
        "m",
      ),
    );
    const report = JSON.parse(result.stdout) as { packaged: { version: string }[]; reused: { version: string }[] };
    expect(report.packaged.map((p) => p.version)).toEqual([version]);
    expect(report.reused.map((p) => p.version)).not.toContain(version);
    const names = [`demo-v${version}.zip`, ...(version === "1.1.0" ? ["demo-latest.zip"] : [])];
    for (const name of names) {
      const published = readFileSync(path.join(repo.root, "dist/plugins/demo", name));
      expect(published.equals(correct.get(version) ?? Buffer.alloc(0))).toBe(true);
      const signature = readFileSync(path.join(repo.root, "dist/plugins/demo", `${name}.sig`), "utf8");
      expect(verifyFileSignature(published, signature.trim(), KEY.publicKey)).toBe(true);
    }
    const releases = JSON.parse(readFileSync(path.join(repo.root, "dist/plugins/demo/releases.json"), "utf8"));
    const listed = releases.releases.find((release: { version: string }) => release.version === version);
    expect(listed.sha256).toBe(sha256(correct.get(version) ?? Buffer.alloc(0)));
    // The cache now holds the good entry again: the next build reuses it, silently.
    const again = await repo.feedwright("build", "--out", "dist", "--json");
    expect(again.stderr).not.toContain("warning");
    expect((JSON.parse(again.stdout) as { packaged: unknown[] }).packaged).toEqual([]);
    return result.stderr;
  }

  it("issue 9 item 2: a flipped byte in a cached ZIP is discarded, rebuilt and said so", async () => {
    const zip = readFileSync(`${entry("1.1.0")}.zip`);
    zip[60] = (zip[60] ?? 0) ^ 0x01;
    writeFileSync(`${entry("1.1.0")}.zip`, zip);
    expect(await expectCorrectRebuild("1.1.0")).toContain("its ZIP does not hash to the sha256 its facts record");
  });

  it("issue 9 item 2: a 0-byte cached ZIP is discarded, rebuilt and said so", async () => {
    writeFileSync(`${entry("1.1.0")}.zip`, "");
    expect(await expectCorrectRebuild("1.1.0")).toMatch(/its ZIP is 0 bytes, not \d+/);
  });

  it("issue 9 item 2: a FIFO in place of a cached ZIP neither hangs the build nor is published", async () => {
    rmSync(`${entry("1.1.0")}.zip`);
    execFileSync("mkfifo", [`${entry("1.1.0")}.zip`]);
    expect(await expectCorrectRebuild("1.1.0")).toContain("its ZIP is not a regular file");
  });

  it("issue 9 item 2: another ZIP with facts forged to match it is discarded (a poisoned cache)", async () => {
    const substitute = Buffer.from(correct.get("1.0.0") ?? Buffer.alloc(0));
    writeFileSync(`${entry("1.1.0")}.zip`, substitute);
    const facts = JSON.parse(readFileSync(`${entry("1.1.0")}.json`, "utf8"));
    writeFileSync(
      `${entry("1.1.0")}.json`,
      JSON.stringify({ ...facts, sha256: sha256(substitute), md5: md5(substitute), size: substitute.length }),
    );
    expect(await expectCorrectRebuild("1.1.0")).toContain("not signed by this build's key");
  });

  it("issue 9 item 2: another release's whole entry, facts and signature included, is discarded", async () => {
    copyFileSync(`${entry("1.0.0")}.zip`, `${entry("1.1.0")}.zip`);
    copyFileSync(`${entry("1.0.0")}.json`, `${entry("1.1.0")}.json`);
    await expectCorrectRebuild("1.1.0");
  });

  it("issue 9 item 2: a recorded sha256 is checked against the bytes published, not the cached facts", async () => {
    const recorded = sha256(correct.get("1.0.0") ?? Buffer.alloc(0));
    const file = "releases/demo/1.0.0.yaml";
    repo.write(file, `${repo.read(file)}sha256: "${recorded}"\n`);
    repo.commit("record 1.0.0");
    // A substitute whose facts even carry the recorded sum.
    const substitute = Buffer.from(correct.get("1.1.0") ?? Buffer.alloc(0));
    writeFileSync(`${entry("1.0.0")}.zip`, substitute);
    const facts = JSON.parse(readFileSync(`${entry("1.0.0")}.json`, "utf8"));
    writeFileSync(`${entry("1.0.0")}.json`, JSON.stringify({ ...facts, sha256: recorded }));
    await expectCorrectRebuild("1.0.0");
  });

  it("issue 9 item 2: a recorded sha256 the rebuilt package does not have fails the build and writes nothing", async () => {
    const file = "releases/demo/1.0.0.yaml";
    repo.write(file, `${repo.read(file)}sha256: "${"0".repeat(64)}"\n`);
    repo.commit("record a wrong sum");
    const before = readFileSync(path.join(repo.root, "dist/plugins/demo/demo-v1.0.0.zip"));
    const result = await repo.feedwright("build", "--out", "dist");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`not the recorded ${"0".repeat(64)}`);
    expect(readFileSync(path.join(repo.root, "dist/plugins/demo/demo-v1.0.0.zip")).equals(before)).toBe(true);
  });
});
