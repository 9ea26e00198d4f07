/**
 * Throw-away releases repositories for tests: a valid plugin with its source committed to
 * git, built inline so each test states exactly the input it depends on.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateSeed } from "../../scripts/io/keys.ts";
import { DEMO_PLUGIN_YAML, demoMainFile, releaseYaml } from "./demo-plugin.ts";
import { type CliResult, runFeedwright } from "./run-cli.ts";

export type { CliResult };
// The demo plugin's texts live in demo-plugin.ts (no disk, no git: in-memory tests import them too).
export { DEMO_PLUGIN_YAML, demoMainFile, releaseYaml };

/** One signing key per test run, made here so no key is ever committed. */
export const TEST_SIGNING_KEY = generateSeed();
export const TEST_ENV = { ...process.env, FEEDWRIGHT_SIGNING_KEY: TEST_SIGNING_KEY };

export interface ScratchRepo {
  root: string;
  write(relativePath: string, content: string | Buffer): void;
  read(relativePath: string): string;
  remove(relativePath: string): void;
  git(...args: string[]): string;
  /** Commit everything; returns the commit id. */
  commit(message: string): string;
  /** Run the feedwright CLI in this repository with the test signing key; captures output. */
  feedwright(...args: string[]): Promise<CliResult>;
  /** The same with an environment of the test's choosing. */
  feedwrightWithEnv(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult>;
  cleanup(): void;
}

export function createScratchRepo(): ScratchRepo {
  const repo = scratchRepoAt(mkdtempSync(path.join(tmpdir(), "feedwright-test-")));
  repo.git("init", "-q", "-b", "main");
  repo.git("config", "user.email", "test@example.invalid");
  repo.git("config", "user.name", "feedwright test");
  repo.git("config", "commit.gpgsign", "false");
  return repo;
}

/** A copy of a scratch repository, history included, without its output and package cache. */
export function copyScratchRepo(template: ScratchRepo): ScratchRepo {
  const root = mkdtempSync(path.join(tmpdir(), "feedwright-test-"));
  cpSync(template.root, root, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => !["dist", ".feedwright"].includes(path.relative(template.root, source)),
  });
  return scratchRepoAt(root);
}

/** The operations of a scratch repository on a folder that holds one. */
function scratchRepoAt(root: string): ScratchRepo {
  const repo: ScratchRepo = {
    root,
    write(relativePath, content) {
      const file = path.join(root, relativePath);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    },
    read(relativePath) {
      return readFileSync(path.join(root, relativePath), "utf8");
    },
    remove(relativePath) {
      rmSync(path.join(root, relativePath), { recursive: true, force: true });
    },
    git(...args) {
      return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
    },
    commit(message) {
      repo.git("add", "-A");
      repo.git("commit", "-q", "--allow-empty", "-m", message);
      return repo.git("rev-parse", "HEAD");
    },
    feedwright(...args) {
      return repo.feedwrightWithEnv(TEST_ENV, ...args);
    },
    feedwrightWithEnv(env, ...args) {
      return runFeedwright(args, { cwd: root, env });
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  return repo;
}

/**
 * A repository with the demo plugin: source committed at 1.0.0 and 1.1.0, releases
 * 1.0.0 (released) and 1.1.0 (update_ready) pinned to those commits.
 */
export function createDemoRepo(): ScratchRepo & { pins: Record<string, string> } {
  const repo = createScratchRepo();
  const pins: Record<string, string> = {};
  for (const version of ["1.0.0", "1.1.0"]) {
    repo.write("source/demo/demo.php", demoMainFile(version));
    repo.write("source/demo/includes/helpers.php", `<?php\n// helpers for ${version}\n`);
    repo.write("source/demo/tests/test-demo.php", "<?php\n// a test\n");
    repo.write("source/demo/demo.php.bak", "old\n");
    repo.write("source/demo/.DS_Store", Buffer.from([0, 0, 0, 1, 66, 117, 100, 49]));
    pins[version] = repo.commit(`source ${version}`);
  }
  repo.write("releases/demo/plugin.yaml", DEMO_PLUGIN_YAML);
  repo.write(
    "releases/demo/1.0.0.yaml",
    releaseYaml({
      version: "1.0.0",
      status: "released",
      released_at: "2026-01-01T00:00:00Z",
      source: pins["1.0.0"] ?? "",
      changelog: "First.",
    }),
  );
  repo.write(
    "releases/demo/1.1.0.yaml",
    releaseYaml({
      version: "1.1.0",
      status: "update_ready",
      released_at: "2026-02-01T00:00:00Z",
      source: pins["1.1.0"] ?? "",
      changelog: "Second.",
    }),
  );
  repo.commit("releases");
  return Object.assign(repo, { pins });
}

export type DemoRepo = ReturnType<typeof createDemoRepo>;
