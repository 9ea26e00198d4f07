import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OUTPUT_MARKER, writeOutputFolder } from "../scripts/io/write-output.ts";
import { runFeedwright } from "./support/run-cli.ts";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "..");

const run = (...args: string[]) => runFeedwright(args, { cwd: PROJECT_ROOT });

describe("the command line", () => {
  it.each([
    "build",
    "validate",
    "verify",
    "release",
    "promote",
    "rollforward",
    "check",
    "sign-url",
    "sites add",
    "sites import",
    "sites revoke",
    "sites list",
    "keys generate",
    "keys public",
    "schema",
  ])("%s --help shows examples and exits 0", async (command) => {
    const result = await run(...command.split(" "), "--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples?:\n\s+\$ feedwright /);
  });

  it.each([
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["build", "--colour"], /unknown option '--colour'/],
    [["build", "--out"], /option '--out <dir>' argument missing/],
  ])("%j is a usage error: exit 2", async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    [["sites", "add", "bad/id", "--slug", "demo"], 'site id "bad/id": expected letters, digits'],
    [["sites", "add", "site-1", "--slug", "Demo"], 'slug "Demo": expected a plugin slug or "*"'],
    [["sites", "add", "site-1", "--slug", "demo", "--key", "short"], "API key: expected 8 to 256 characters"],
  ])("refuses a bad site before storing anything: %j", async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("refuses an import file with a bad entry, naming it", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "feedwright-import-"));
    try {
      const file = path.join(folder, "sites.json");
      writeFileSync(
        file,
        JSON.stringify([{ site_id: 7, api_key: "a-long-enough-key", slug: "demo" }, { site_id: "x" }]),
      );
      const result = await run("sites", "import", file);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("entry 1: slug undefined: expected a plugin slug");
      expect(result.stderr).toContain("API key: expected 8 to 256 characters");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("keeps the committed JSON Schema files in step with the schema", async () => {
    const result = await run("schema", "--check");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("validates the example releases", async () => {
    const result = await run("validate");
    expect(result).toMatchObject({ code: 0, stderr: "ok: 1 plugin(s), 6 release(s), no problems\n" });
  });
});

describe("writing the output folder", () => {
  let parent: string;
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it("leaves the previous output untouched and no staging folder when writing fails", async () => {
    parent = mkdtempSync(path.join(tmpdir(), "feedwright-out-"));
    const out = path.join(parent, "dist");
    await writeOutputFolder(out, [{ path: "feed.json", content: "old\n" }]);
    await expect(
      writeOutputFolder(out, [
        { path: "feed.json", content: "new\n" },
        { path: "plugins/x.zip", copyFrom: path.join(parent, "missing.zip") },
      ]),
    ).rejects.toThrow(/ENOENT/);
    expect(readdirSync(parent)).toEqual(["dist"]);
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, "feed.json"]);
  });

  it("restores the previous output after a crash between the two renames", async () => {
    parent = mkdtempSync(path.join(tmpdir(), "feedwright-out-"));
    const out = path.join(parent, "dist");
    // As a build killed between the renames leaves them: both marked (the marker is written first),
    // named after a process that is gone (no pid is this high).
    const previous = `${out}.previous-2147483646-0a1b2c3d`;
    const staging = `${out}.staging-2147483646-0a1b2c3d`;
    mkdirSync(previous);
    writeFileSync(path.join(previous, "feed.json"), "previous\n");
    mkdirSync(staging);
    for (const folder of [previous, staging])
      writeFileSync(path.join(folder, OUTPUT_MARKER), "feedwright output folder\n");
    // Even when the next write fails, the interrupted swap's previous output comes back.
    await expect(
      writeOutputFolder(out, [{ path: "x.zip", copyFrom: path.join(parent, "missing.zip") }]),
    ).rejects.toThrow(/ENOENT/);
    expect(readdirSync(parent)).toEqual(["dist"]);
    expect(readFileSync(path.join(out, "feed.json"), "utf8")).toBe("previous\n");
  });
});
