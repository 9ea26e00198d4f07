/**
 * `npm test` on a machine that lacks what the tests call: its first step (the `pretest`
 * script, scripts/dev/test-prerequisites.ts) installs it where it can, and where it cannot it
 * stops the run with the command to type, before any test is run or skipped.
 * The install itself was proved in a fresh Debian root (see the README, Quick start).
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const NOBODY = 65534;

function which(name: string): string | null {
  for (const folder of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(folder, name);
    if (folder && existsSync(candidate)) return realpathSync(candidate);
  }
  return null;
}

const work = mkdtempSync(path.join(tmpdir(), "feedwright-prerequisites-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A PATH of only `names` (those this machine has), so everything else looks missing. Node is
 * linked or copied in, since the user the test drops to may not reach this checkout's folder.
 */
function pathWith(names: string[]): string {
  const bin = path.join(work, "bin");
  mkdirSync(bin, { recursive: true });
  for (const name of names) {
    if (name === "node") {
      try {
        linkSync(process.execPath, path.join(bin, name));
      } catch {
        copyFileSync(process.execPath, path.join(bin, name));
      }
      continue;
    }
    const real = which(name);
    if (real) symlinkSync(real, path.join(bin, name));
  }
  return bin;
}

/** This project's npm scripts and the prerequisite check, copied where any user can read them. */
function projectCopy(): string {
  const project = path.join(work, "project");
  for (const file of ["package.json", "scripts/dev/test-prerequisites.ts", "scripts/dev/install-debian-packages.sh"]) {
    mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(project, file));
  }
  return project;
}

describe("issue 11 item 1: npm test installs what its tests need, or says what to run", () => {
  it("stops before any test with the exact install command when php and phpcs are missing and there is no root or sudo", () => {
    const home = path.join(work, "home");
    mkdirSync(home);
    // No sudo on this PATH; as root, the run drops to nobody (setpriv), so nothing can be installed.
    const bin = pathWith([
      "node",
      "npm",
      "sh",
      "bash",
      "env",
      "git",
      "unzip",
      "curl",
      "python3",
      "apt-get",
      "dpkg-query",
    ]);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      chmodSync(work, 0o755);
      chownSync(home, NOBODY, NOBODY);
    }
    const command = asRoot
      ? [
          which("setpriv") ?? "/usr/bin/setpriv",
          `--reuid=${NOBODY}`,
          `--regid=${NOBODY}`,
          "--clear-groups",
          "--",
          path.join(bin, "npm"),
          "test",
        ]
      : [path.join(bin, "npm"), "test"];
    const started = performance.now();
    const run = spawnSync(command[0] as string, command.slice(1), {
      cwd: projectCopy(),
      encoding: "utf8",
      env: {
        PATH: bin,
        HOME: home,
        npm_config_cache: path.join(home, "npm-cache"),
        npm_config_update_notifier: "false",
        CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      },
      timeout: 60_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(1);
    expect(output).toMatch(/^ {2}php: .*sodium/m);
    expect(output).toMatch(/^ {2}phpcs: /m);
    expect(output).not.toMatch(/^ {2}git: /m);
    if (existsSync("/etc/debian_version")) {
      // Only the missing packages: chromium is there (or named by CHROMIUM_PATH), so it is not asked for.
      const command =
        /Install them \(as root\), then run npm test again:\n {2}sudo bash scripts\/dev\/install-debian-packages\.sh --for 'npm test'((?: [\w.+-]+)+)\n/.exec(
          output,
        );
      const packages = command?.[1]?.trim().split(" ") ?? [];
      expect(packages, output).toEqual(expect.arrayContaining(["php-cli", "php-codesniffer"]));
      expect(packages).not.toContain("chromium");
      expect(packages).not.toContain("git");
    } else {
      expect(output).toContain("php-cli php-codesniffer");
    }
    // npm stopped at the first step: no type check, no vitest, so nothing was skipped either.
    expect(output).not.toContain("tsc --noEmit");
    expect(output).not.toMatch(/vitest|skipped/i);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it("lets npm test go on at once when every tool is there", () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, "scripts/dev/test-prerequisites.ts")], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
