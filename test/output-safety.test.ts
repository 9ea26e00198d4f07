/**
 * What `feedwright build --out` may replace, and what two builds into one output do (issue 9,
 * items 1, 6 and the numeric options of 12). Every case that could destroy something runs in a
 * folder of its own (outer/home/repo), so even a build that wrongly replaced `..` or `../..`
 * only ever touches that throw-away folder.
 */
import { spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OUTPUT_MARKER, writeOutputFolder } from "../scripts/io/write-output.ts";
import { listFiles } from "./support/files.ts";
import { runFeedwright } from "./support/run-cli.ts";
import { type CliResult, createDemoRepo, type ScratchRepo, TEST_ENV } from "./support/scratch-repo.ts";

const CLI = path.resolve(import.meta.dirname, "../scripts/bin/feedwright.js");

let template: ScratchRepo;
/** The files a complete build of the template writes. */
let completeListing: string[];

beforeAll(async () => {
  template = createDemoRepo();
  const build = await template.feedwright("build", "--out", "dist", "--quiet");
  expect(build).toMatchObject({ code: 0 });
  completeListing = listFiles(path.join(template.root, "dist"));
});
afterAll(() => template.cleanup());

/** A copy of the built template at outer/home/repo (output and warm package cache included). */
function placeRepository(): { outer: string; home: string; root: string; cleanup(): void } {
  const outer = mkdtempSync(path.join(tmpdir(), "feedwright-out-safety-"));
  const home = path.join(outer, "home");
  const root = path.join(home, "repo");
  cpSync(template.root, root, { recursive: true, verbatimSymlinks: true });
  writeFileSync(path.join(home, "notes.txt"), "a file of the user's, beside the repository\n");
  return { outer, home, root, cleanup: () => rmSync(outer, { recursive: true, force: true }) };
}

/** Every file, folder and symbolic link below `root` (links as their target, not followed), with bytes. */
function snapshotTree(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      const full = path.join(root, child);
      if (entry.isSymbolicLink()) entries.set(child, `-> ${readlinkSync(full)}`);
      else if (entry.isDirectory()) {
        entries.set(child, "folder");
        walk(child);
      } else entries.set(child, readFileSync(full).toString("base64"));
    }
  };
  walk("");
  return entries;
}

function feedwrightIn(cwd: string, ...args: string[]): Promise<CliResult> {
  return runFeedwright(args, { cwd, env: { ...TEST_ENV, DOWNLOAD_URL_KEY: "test-download-url-key" } });
}

/** The CLI in a process of its own (its own pid), as two people or two CI jobs would run it. */
function feedwrightProcess(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: TEST_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("issue 9 item 1: build --out refuses what it did not create", () => {
  type Case = {
    name: string;
    out: (place: { outer: string; home: string; root: string }) => string;
    setup?: (root: string) => void;
  };
  const refused: Case[] = [
    { name: "the repository itself (--out .)", out: () => "." },
    { name: "the folder holding the repository (--out .., like --out ~)", out: () => ".." },
    { name: "the home folder by its absolute path (--out ~)", out: ({ home }) => home },
    { name: "a grandparent of the repository (--out ../..)", out: () => "../.." },
    { name: "the source folder (--out source)", out: () => "source" },
    { name: "the releases folder (--out releases)", out: () => "releases" },
    { name: "a plugin's releases folder", out: () => "releases/demo" },
    { name: "a new folder inside releases/", out: () => "releases/published" },
    { name: "the git folder", out: () => ".git" },
    { name: "the package cache", out: () => ".feedwright" },
    {
      name: "a non-empty folder that is no feedwright output",
      out: () => "notes",
      setup: (root) => {
        mkdirSync(path.join(root, "notes"));
        writeFileSync(path.join(root, "notes/todo.txt"), "mine\n");
      },
    },
    {
      name: "the repository even when it carries an output marker",
      out: () => ".",
      setup: (root) =>
        writeFileSync(path.join(root, OUTPUT_MARKER), readFileSync(path.join(root, "dist", OUTPUT_MARKER))),
    },
    {
      name: "a symbolic link to the repository",
      out: () => "published",
      setup: (root) => symlinkSync(root, path.join(root, "published")),
    },
    {
      name: "a symbolic link, even to a previous output",
      out: () => "published",
      setup: (root) => symlinkSync(path.join(root, "dist"), path.join(root, "published")),
    },
    { name: "a file", out: () => "releases/demo/plugin.yaml" },
  ];

  it.for(refused)("$name: exit 2, a clear message, nothing touched", async ({ out, setup }) => {
    const place = placeRepository();
    try {
      setup?.(place.root);
      const before = snapshotTree(place.outer);
      const target = out(place);
      const result = await feedwrightIn(place.root, "build", "--out", target, "--quiet");
      expect(result.stderr).toMatch(/^error: refusing to write the output to .+: /m);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.code).toBe(2);
      expect(snapshotTree(place.outer)).toEqual(before);
    } finally {
      place.cleanup();
    }
  });

  it("writes into a missing folder, an empty one, and over its own previous output, marking each", async () => {
    const place = placeRepository();
    try {
      mkdirSync(path.join(place.root, "empty"));
      for (const out of ["new/deeper/feed", "empty", "dist", "empty"]) {
        const result = await feedwrightIn(place.root, "build", "--out", out, "--quiet");
        expect(result.stderr).not.toMatch(/error/);
        expect(result.code).toBe(0);
        expect(listFiles(path.join(place.root, out))).toEqual(completeListing);
        expect(readFileSync(path.join(place.root, out, OUTPUT_MARKER), "utf8")).toMatch(/^feedwright output folder\n/);
      }
      expect(readdirSync(place.root).filter((name) => /^(dist|empty)\./.test(name))).toEqual([]);
    } finally {
      place.cleanup();
    }
  });

  it("refuses a previous output that was not written by feedwright, naming the marker it lacks", async () => {
    const place = placeRepository();
    try {
      rmSync(path.join(place.root, "dist", OUTPUT_MARKER));
      const result = await feedwrightIn(place.root, "build", "--out", "dist");
      expect(result.stderr).toContain(`no ${OUTPUT_MARKER} in it`);
      expect(result.code).toBe(2);
    } finally {
      place.cleanup();
    }
  });
});

describe("issue 9 item 1: recovering an interrupted swap touches only feedwright's own folders", () => {
  let parent: string;
  beforeAll(() => {
    parent = mkdtempSync(path.join(tmpdir(), "feedwright-recover-"));
  });
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it("leaves alone folders named like staging or previous folders that carry no marker", async () => {
    const out = path.join(parent, "site");
    for (const name of ["site.staging-1", "site.previous-2", "site.staging-x", "site.previous-"]) {
      mkdirSync(path.join(parent, name));
      writeFileSync(path.join(parent, name, "precious.txt"), `${name}\n`);
    }
    await writeOutputFolder(out, [{ path: "feed.json", content: "new\n" }]);
    expect(readdirSync(parent).sort()).toEqual(
      ["site", "site.previous-", "site.previous-2", "site.staging-1", "site.staging-x"].sort(),
    );
    for (const name of ["site.staging-1", "site.previous-2"]) {
      expect(readFileSync(path.join(parent, name, "precious.txt"), "utf8")).toBe(`${name}\n`);
    }
    expect(listFiles(out)).toEqual([OUTPUT_MARKER, "feed.json"]);
  });

  it("does not put an unmarked previous folder in place of a missing output", async () => {
    const out = path.join(parent, "other");
    mkdirSync(`${out}.previous-3`);
    writeFileSync(`${out}.previous-3/precious.txt`, "mine\n");
    await writeOutputFolder(out, [{ path: "feed.json", content: "new\n" }]);
    expect(readFileSync(`${out}.previous-3/precious.txt`, "utf8")).toBe("mine\n");
    expect(listFiles(out)).toEqual([OUTPUT_MARKER, "feed.json"]);
  });
});

describe("issue 9 item 6: two builds into one output", () => {
  /** Every file a complete build writes is there, and verify accepts the folder. */
  async function expectCompleteOutput(root: string): Promise<void> {
    expect(listFiles(path.join(root, "dist"))).toEqual(completeListing);
    const verify = await feedwrightIn(root, "verify", "dist");
    expect(verify.stderr).toMatch(/0 failed/);
    expect(verify.code).toBe(0);
  }

  /** A run either succeeded or said which build it met; never a stack. */
  function expectClearOutcome(result: CliResult): void {
    if (result.code === 0) return;
    expect(result.stderr).toMatch(/another feedwright build \(pid \d+\)/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }

  const ROUNDS = Number(process.env.FEEDWRIGHT_CONCURRENT_ROUNDS ?? 3);

  it(`in separate processes, ${ROUNDS} rounds: each run succeeds with a complete output or fails clearly`, async () => {
    const place = placeRepository();
    try {
      const outcomes: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const runs = await Promise.all([
          feedwrightProcess(place.root, "build", "--out", "dist", "--quiet"),
          feedwrightProcess(place.root, "build", "--out", "dist", "--quiet"),
        ]);
        for (const run of runs) expectClearOutcome(run);
        outcomes.push(...runs.map((run) => run.code));
        expect(runs.some((run) => run.code === 0)).toBe(true);
        await expectCompleteOutput(place.root);
        expect(readdirSync(place.root).filter((name) => name.startsWith("dist."))).toEqual([]);
      }
      expect(outcomes).toHaveLength(2 * ROUNDS);
    } finally {
      place.cleanup();
    }
  });

  it("in one process, side by side: both complete, or one fails clearly", async () => {
    const place = placeRepository();
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        const runs = await Promise.all([
          feedwrightIn(place.root, "build", "--out", "dist", "--quiet"),
          feedwrightIn(place.root, "build", "--out", "dist", "--quiet"),
        ]);
        for (const run of runs) expectClearOutcome(run);
        expect(runs.some((run) => run.code === 0)).toBe(true);
        await expectCompleteOutput(place.root);
      }
    } finally {
      place.cleanup();
    }
  });

  it("takes over the lock of a build that died", async () => {
    const place = placeRepository();
    try {
      const lock = path.join(place.root, "dist.feedwright-lock");
      // A pid that is not running: one past the highest this kernel hands out is never alive.
      writeFileSync(lock, "pid 2147483647\n");
      const afterDeath = await feedwrightIn(place.root, "build", "--out", "dist", "--quiet");
      expect(afterDeath.code).toBe(0);
      expect(existsSync(lock)).toBe(false);
      await expectCompleteOutput(place.root);
    } finally {
      place.cleanup();
    }
  });
});

describe("issue 9 item 6: the output lock", () => {
  let parent: string;
  beforeAll(() => {
    parent = mkdtempSync(path.join(tmpdir(), "feedwright-lock-"));
  });
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it("waits for a live build's lock, then fails naming its pid and touching nothing", async () => {
    const out = path.join(parent, "dist");
    const lock = `${out}.feedwright-lock`;
    const held = `pid ${process.pid}\nhost ${hostname()}\ntoken live\n`;
    writeFileSync(lock, held);
    const started = Date.now();
    await expect(
      writeOutputFolder(out, [{ path: "feed.json", content: "new\n" }], { lockWaitMs: 300 }),
    ).rejects.toThrow(`another feedwright build (pid ${process.pid}) is writing ${out}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(readdirSync(parent)).toEqual(["dist.feedwright-lock"]);
    expect(readFileSync(lock, "utf8")).toBe(held);
  });

  it("goes ahead as soon as the live build lets go", async () => {
    const out = path.join(parent, "site");
    const lock = `${out}.feedwright-lock`;
    writeFileSync(lock, `pid ${process.pid}\nhost ${hostname()}\ntoken live\n`);
    setTimeout(() => rmSync(lock), 200);
    await writeOutputFolder(out, [{ path: "feed.json", content: "new\n" }], { lockWaitMs: 5_000 });
    expect(listFiles(out)).toEqual([OUTPUT_MARKER, "feed.json"]);
    expect(existsSync(lock)).toBe(false);
  });
});

describe("issue 9 item 12: numeric options are checked, never crash", () => {
  it.for([
    [["build", "--expires-in-days", "100000000"], "--expires-in-days: expected a whole number of days from 1 to 3650"],
    [["build", "--expires-in-days", "0"], "--expires-in-days: expected a whole number of days from 1 to 3650"],
    [["build", "--expires-in-days", "3651"], "--expires-in-days: expected a whole number of days from 1 to 3650"],
    [["build", "--expires-in-days", "1e3"], "--expires-in-days: expected a whole number of days from 1 to 3650"],
    [["build", "--expires-in-days", "7.5"], "--expires-in-days: expected a whole number of days from 1 to 3650"],
    [["verify", "dist", "--min-serial", "1e400"], "--min-serial: expected a whole number"],
    [["verify", "dist", "--min-serial", "-1"], "--min-serial: expected a whole number"],
    [
      ["sign-url", "demo", "--version", "1.0.0", "--base", "https://x.example", "--ttl", "1e300"],
      "--ttl: expected a whole number of seconds from 1 to 31536000",
    ],
  ] as [string[], string][])("%j is a usage error: exit 2, no stack", async ([args, message]) => {
    const result = await feedwrightIn(template.root, ...args);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.code).toBe(2);
  });

  it("builds a feed that expires after the longest allowed time", async () => {
    const place = placeRepository();
    try {
      const result = await feedwrightIn(place.root, "build", "--out", "dist", "--expires-in-days", "3650", "--quiet");
      expect(result.code).toBe(0);
      const feed = JSON.parse(readFileSync(path.join(place.root, "dist/feed.json"), "utf8"));
      expect(Date.parse(feed.expires) - Date.parse(feed.issued_at)).toBe(3650 * 86_400_000);
    } finally {
      place.cleanup();
    }
  });
});
