/**
 * `npx feedwright` as a user runs it: npm on whatever Node the machine has (20 or later, as
 * the README says), the CLI on the Node pinned in package.json. Nothing but the command's own
 * output may reach the terminal, so `keys generate` prints the public key alone on stderr.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import semver from "semver";
import { describe, expect, it, onTestFinished } from "vitest";
import { TEST_ENV } from "./support/scratch-repo.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
};

/** PATH without this project's node_modules/.bin (npm and vitest put it first): the user's own `node` and `npx`. */
const hostPath = (process.env.PATH ?? "")
  .split(path.delimiter)
  .filter((folder) => !folder.endsWith(`${path.sep}node_modules${path.sep}.bin`))
  .join(path.delimiter);

const PUBLIC_KEY_LINE =
  /^public key [A-Za-z0-9+/]{43}= \(key id [0-9a-f]{16}\): keep the private key secret; never commit it\n$/;

describe("issue 11 item 10: npx feedwright is quiet on the Node the README asks for", () => {
  it("package.json engines accepts Node 20, 22 and 24 (the CLI itself runs on the pinned Node)", () => {
    for (const version of ["20.0.0", "20.20.2", "22.18.0", "24.0.0"]) {
      expect(semver.satisfies(version, packageJson.engines.node), version).toBe(true);
    }
  });

  it("keys generate through npx prints the seed on stdout and only the public key line on stderr", () => {
    // A fresh npm cache: npx installs the project into it on first use, which is when npm checks engines.
    const cache = mkdtempSync(path.join(tmpdir(), "feedwright-npx-cache-"));
    onTestFinished(() => rmSync(cache, { recursive: true, force: true }));
    const host = spawnSync("node", ["--version"], { env: { ...TEST_ENV, PATH: hostPath }, encoding: "utf8" });
    const run = spawnSync("npx", ["feedwright", "keys", "generate"], {
      cwd: ROOT,
      env: { ...TEST_ENV, PATH: hostPath, npm_config_cache: cache, npm_config_update_notifier: "false" },
      encoding: "utf8",
    });
    expect(run.status, `${run.stderr} (npm on node ${host.stdout.trim()})`).toBe(0);
    expect(run.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(run.stderr, `npm on node ${host.stdout.trim()}`).toMatch(PUBLIC_KEY_LINE);
  });

  it("started by a Node that cannot run TypeScript, the CLI hands itself to the pinned Node", () => {
    // --no-experimental-strip-types stands in for Node 20, which has no type stripping.
    const run = spawnSync(
      process.execPath,
      ["--no-experimental-strip-types", path.join(ROOT, "scripts/bin/feedwright.js"), "keys", "generate"],
      { cwd: ROOT, env: { ...TEST_ENV, PATH: hostPath }, encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(run.stderr).toMatch(PUBLIC_KEY_LINE);
  });
});
