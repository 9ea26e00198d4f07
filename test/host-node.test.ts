/**
 * `npx feedwright` as a user runs it: npm on whatever Node the machine has (20 or later, as
 * the README says), the CLI on the Node pinned in package.json. Nothing but the command's own
 * output may reach the terminal: `keys generate` prints the public key alone on stdout, and on
 * stderr only where it wrote the private key.
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

/** What `keys generate` says on stderr, all of it: three lines about the private key's file. */
const WROTE_KEY =
  /^wrote a new private signing key \(key id [0-9a-f]{16}\) to [^\n]*signing-key, mode 0600\n[^\n]+\n[^\n]+\n$/;

/** A folder of its own for `keys generate --root`: the key file is never written in the project. */
function keyFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "feedwright-keys-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("issue 11 item 10: npx feedwright is quiet on the Node the README asks for", () => {
  it("package.json engines accepts Node 20, 22 and 24 (the CLI itself runs on the pinned Node)", () => {
    for (const version of ["20.0.0", "20.20.2", "22.18.0", "24.0.0"]) {
      expect(semver.satisfies(version, packageJson.engines.node), version).toBe(true);
    }
  });

  it("keys generate through npx prints the public key on stdout, and on stderr only where the private key went", () => {
    // A fresh npm cache: npx installs the project into it on first use, which is when npm checks engines.
    const cache = mkdtempSync(path.join(tmpdir(), "feedwright-npx-cache-"));
    onTestFinished(() => rmSync(cache, { recursive: true, force: true }));
    const host = spawnSync("node", ["--version"], { env: { ...TEST_ENV, PATH: hostPath }, encoding: "utf8" });
    const run = spawnSync("npx", ["feedwright", "keys", "generate", "--root", keyFolder()], {
      cwd: ROOT,
      env: { ...TEST_ENV, PATH: hostPath, npm_config_cache: cache, npm_config_update_notifier: "false" },
      encoding: "utf8",
    });
    expect(run.status, `${run.stderr} (npm on node ${host.stdout.trim()})`).toBe(0);
    expect(run.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(run.stderr, `npm on node ${host.stdout.trim()}`).toMatch(WROTE_KEY);
  });

  it("started by a Node that cannot run TypeScript, the CLI hands itself to the pinned Node", () => {
    // --no-experimental-strip-types stands in for Node 20, which has no type stripping.
    const run = spawnSync(
      process.execPath,
      [
        "--no-experimental-strip-types",
        path.join(ROOT, "scripts/bin/feedwright.js"),
        "keys",
        "generate",
        "--root",
        keyFolder(),
      ],
      { cwd: ROOT, env: { ...TEST_ENV, PATH: hostPath }, encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(run.stderr).toMatch(WROTE_KEY);
  });
});
