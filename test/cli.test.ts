import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseSigningKey } from "../scripts/core/signing.ts";
import { OUTPUT_MARKER, writeOutputFolder } from "../scripts/io/write-output.ts";
import { demoRepoTest } from "./support/demo-repo-test.ts";
import { runFeedwright } from "./support/run-cli.ts";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "..");

const run = (...args: string[]) => runFeedwright(args, { cwd: PROJECT_ROOT });

/** Every command feedwright has. */
const COMMANDS = [
  "build",
  "validate",
  "verify",
  "release",
  "promote",
  "rollforward",
  "check",
  "sign-url",
  "stats",
  "rollout halt",
  "rollout resume",
  "sites add",
  "sites import",
  "sites revoke",
  "sites list",
  "keys generate",
  "keys public",
  "schema",
];

describe("the command line", () => {
  it.each(COMMANDS)("%s --help shows examples and exits 0", async (command) => {
    const result = await run(...command.split(" "), "--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples?:\n\s+\$ feedwright /);
  });

  it("issue 11 item 10: every command takes --root, as the README says", async () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    expect(readme).toContain("All commands take `--root <dir>`");
    /** The commands a --help lists (a group, such as sites, by its own --help), "help" aside. */
    const listed = async (...group: string[]): Promise<string[]> => {
      const help = (await run(...group, "--help")).stdout;
      const names = [...help.slice(help.indexOf("Commands:")).matchAll(/^ {2}([a-z-]+)( \S+)?/gm)]
        .filter((match) => match[1] !== "help")
        .map((match) => ({ name: [...group, match[1]].join(" "), isGroup: match[2] === undefined }));
      const nested = await Promise.all(
        names.map((entry) => (entry.isGroup ? listed(...entry.name.split(" ")) : Promise.resolve([entry.name]))),
      );
      return nested.flat();
    };
    const commands = await listed();
    expect(commands).toEqual(expect.arrayContaining(COMMANDS));
    for (const command of commands) {
      const result = await run(...command.split(" "), "--help");
      expect(result.stdout, command).toMatch(/^ {2}--root <dir> /m);
    }
  });

  it("issue 11 item 10: --version prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
    for (const flag of ["--version", "-V"]) {
      expect(await run(flag)).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    }
    // After a command it is that command's option, or unknown (exit 2), never feedwright's version.
    const afterCommand = await run("build", "--version");
    expect(afterCommand.code).toBe(2);
    expect(afterCommand.stderr).toContain("unknown option '--version'");
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

  it("issue 11 item 10: refuses an import file with bad entries as bad input (exit 1), naming every one", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "feedwright-import-"));
    try {
      const file = path.join(folder, "sites.json");
      writeFileSync(
        file,
        JSON.stringify([
          { site_id: 7, api_key: "a-long-enough-key", slug: "demo" },
          { site_id: "x" },
          { site_id: "bad/id", api_key: "a-long-enough-key", slug: "demo" },
        ]),
      );
      const result = await run("sites", "import", file, "--root", folder);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: ${file}: entry 1: slug undefined: expected a plugin slug`);
      expect(result.stderr).toContain("API key: expected 8 to 256 characters");
      expect(result.stderr).toContain(`error: ${file}: entry 2: site id "bad/id"`);
      expect(result.stderr).toContain(`error: ${file}: 2 bad entries; nothing was stored\n`);
      // Refused before wrangler was asked to store anything.
      expect(readdirSync(folder)).toEqual(["sites.json"]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it.each([
    ["a file that is not there", null, "cannot be read (ENOENT); nothing was stored"],
    ["a file that is not JSON", "[{", "not JSON ("],
    ["JSON that is not a list", '{"site_id": 7}', 'expected a JSON list of {"site_id", "api_key", "slug"}'],
  ])(
    "issue 11 item 10: sites import refuses %s with exit 1, as the README's exit codes say",
    async (_name, content, message) => {
      const folder = mkdtempSync(path.join(tmpdir(), "feedwright-import-"));
      try {
        const file = path.join(folder, "sites.json");
        if (content !== null) writeFileSync(file, content);
        const result = await run("sites", "import", file, "--root", folder);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`error: ${file}: ${message}`);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  );

  it("keeps the committed JSON Schema files in step with the schema", async () => {
    const result = await run("schema", "--check");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("validates the example releases", async () => {
    const result = await run("validate");
    expect(result).toMatchObject({ code: 0, stderr: "ok: 2 plugin(s), 9 release(s), no problems\n" });
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
        { path: "plugins/x.zip", copyFrom: path.join(parent, "missing.zip"), sha256: "0".repeat(64) },
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
      writeOutputFolder(out, [{ path: "x.zip", copyFrom: path.join(parent, "missing.zip"), sha256: "0".repeat(64) }]),
    ).rejects.toThrow(/ENOENT/);
    expect(readdirSync(parent)).toEqual(["dist"]);
    expect(readFileSync(path.join(out, "feed.json"), "utf8")).toBe("previous\n");
  });
});

describe("structured output (--json)", () => {
  demoRepoTest(
    "issue 11 item 10: validate --json prints the plugins, or every problem, on stdout",
    async ({ repo }) => {
      const good = await repo.feedwright("validate", "--json");
      expect(good.code).toBe(0);
      expect(JSON.parse(good.stdout)).toEqual({
        ok: true,
        plugins: [
          {
            slug: "demo",
            releases: [
              { version: "1.0.0", status: "released", channel: "stable", packaged: true, skip_reason: null },
              { version: "1.1.0", status: "update_ready", channel: "stable", packaged: true, skip_reason: null },
            ],
          },
        ],
      });
      repo.write("releases/demo/1.1.0.yaml", repo.read("releases/demo/1.1.0.yaml").replace("update_ready", "relased"));
      const bad = await repo.feedwright("validate", "--json");
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stdout)).toEqual({
        ok: false,
        error: {
          message: "1 problem in the input",
          exit_code: 1,
          problems: [
            {
              file: "releases/demo/1.1.0.yaml",
              line: 2,
              col: 9,
              message: expect.stringContaining("status: expected one of draft, testing"),
            },
          ],
        },
      });
      // stderr says the same for a person, as without --json.
      expect(bad.stderr).toContain("releases/demo/1.1.0.yaml:2:9 status:");
    },
  );

  demoRepoTest(
    "issue 11 item 10: verify --json prints every check; a failed one is exit 1 as without it",
    async ({ repo }) => {
      expect((await repo.feedwright("build", "--out", "dist", "--quiet")).code).toBe(0);
      const good = await repo.feedwright("verify", "dist", "--json");
      expect(good.code).toBe(0);
      const report = JSON.parse(good.stdout);
      expect(report).toMatchObject({ ok: true, target: path.join(repo.root, "dist"), failed: 0 });
      expect(report.passed).toBe(report.checks.length);
      expect(report.checks).toContainEqual({
        check: "feed signature",
        subject: "feed.json",
        ok: true,
        detail: expect.stringMatching(/^signed by trusted key /),
      });

      const late = await repo.feedwright("verify", "dist", "--json", "--now", "2099-01-01T00:00:00Z");
      expect(late.code).toBe(1);
      const expired = JSON.parse(late.stdout);
      expect(expired).toMatchObject({ ok: false, failed: 1 });
      expect(expired.checks.filter((row: { ok: boolean }) => !row.ok)).toEqual([
        { check: "feed expiry", subject: "feed.json", ok: false, detail: expect.stringContaining("(expired)") },
      ]);

      const nothing = await repo.feedwright("verify", "no-such-folder", "--json");
      expect(nothing.code).toBe(1);
      expect(JSON.parse(nothing.stdout)).toEqual({
        ok: false,
        error: { message: `no feed.json at ${path.join(repo.root, "no-such-folder")}`, exit_code: 1, problems: [] },
      });
    },
  );

  demoRepoTest("issue 11 item 10: check --json prints the violations, warnings and preview", async ({ repo }) => {
    const clean = await repo.feedwright("check", "--base", "HEAD", "--json");
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, base: "HEAD", violations: [], warnings: [] });
    // A status moving backwards is a broken release rule.
    repo.write("releases/demo/1.1.0.yaml", repo.read("releases/demo/1.1.0.yaml").replace("update_ready", "released"));
    const broken = await repo.feedwright("check", "--base", "HEAD", "--json");
    expect(broken.code).toBe(1);
    const result = JSON.parse(broken.stdout);
    expect(result.ok).toBe(false);
    expect(result.violations).toEqual([
      { file: "releases/demo/1.1.0.yaml", line: 2, col: 9, message: expect.stringContaining("status") },
    ]);
    expect(result.preview).toEqual(expect.any(Array));
    const both = await repo.feedwright("check", "--base", "HEAD", "--json", "--format", "markdown");
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("option '--json' cannot be used with option '--format <format>'");
  });

  it("issue 11 item 10: sites list --json lists the sites, in the local KV under --root", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "feedwright-sites-"));
    try {
      const file = path.join(root, "sites.json");
      writeFileSync(
        file,
        JSON.stringify([
          { site_id: 7, api_key: "a-long-enough-key", slug: "demo" },
          { site_id: "site-b", api_key: "another-long-key", slug: "*" },
        ]),
      );
      const imported = await run("sites", "import", file, "--root", root);
      expect(imported.code, imported.stderr).toBe(0);
      // npm run dev's place, below the repository given with --root.
      expect(readdirSync(path.join(root, ".wrangler", "state"))).not.toEqual([]);
      const listed = await run("sites", "list", "--json", "--root", root);
      expect(listed.code, listed.stderr).toBe(0);
      const { ok, sites } = JSON.parse(listed.stdout);
      expect(ok).toBe(true);
      expect(sites.map((site: { site_id: string; slug: string }) => `${site.site_id} ${site.slug}`).sort()).toEqual([
        "7 demo",
        "site-b *",
      ]);
      for (const site of sites) {
        expect(site).toEqual({
          site_id: expect.any(String),
          slug: expect.any(String),
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          storage_key: expect.stringMatching(/^apikey:/),
        });
        expect(JSON.stringify(site)).not.toContain("long");
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("sign-url", () => {
  const env = { ...process.env, DOWNLOAD_URL_KEY: "test-download-url-key" };

  demoRepoTest(
    "issue 11 item 10: signs only a packaged release of a plugin in the tree under --root",
    async ({ repo }) => {
      repo.write("releases/demo/1.2.0.yaml", "version: 1.2.0\nstatus: draft\nchangelog: Not yet.\n");
      const signUrl = (...args: string[]) =>
        runFeedwright(["sign-url", ...args, "--root", repo.root], { cwd: tmpdir(), env });

      const signed = await signUrl("demo", "--version", "1.1.0");
      expect(signed.code, signed.stderr).toBe(0);
      // The Worker's address comes from api_base unless --base says otherwise.
      expect(signed.stdout).toMatch(
        /^https:\/\/api\.example\.com\/api\/plugins\/demo\/download\/\?version=1\.1\.0&expires=\d+&signature=[0-9a-f]{64}\n$/,
      );
      const staging = await signUrl("demo", "--version", "1.1.0", "--base", "https://staging.example.com");
      expect(staging.stdout).toMatch(
        /^https:\/\/staging\.example\.com\/api\/plugins\/demo\/download\/\?version=1\.1\.0&/,
      );

      for (const [args, message] of [
        [["nope", "--version", "1.0.0"], /^error: no plugin "nope" in .*releases\/ \(plugins: demo\)\n$/],
        [["demo", "--version", "9.9.9"], /^error: demo has no release 9\.9\.9 \(packaged: 1\.0\.0, 1\.1\.0\)\n$/],
        [
          ["demo", "--version", "1.2.0"],
          /^error: demo 1\.2\.0 is not packaged, so no URL can download it: .*draft.*\n$/,
        ],
      ] as const) {
        const refused = await signUrl(...args);
        expect(refused.code, args.join(" ")).toBe(1);
        expect(refused.stdout).toBe("");
        expect(refused.stderr).toMatch(message);
      }
    },
  );
});

describe("keys generate", () => {
  demoRepoTest(
    "issue 11 item 10: prints the public key alone on stdout and writes the private key, mode 0600, under --root",
    async ({ repo }) => {
      const generated = await runFeedwright(["keys", "generate", "--root", repo.root], { cwd: tmpdir() });
      expect(generated.code, generated.stderr).toBe(0);
      const file = path.join(repo.root, ".feedwright/keys/signing-key");
      const key = parseSigningKey(readFileSync(file, "utf8"));
      expect(generated.stdout).toBe(`${key.publicKey}\n`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // Warnings and advice are on stderr, without the key itself.
      expect(generated.stderr).toContain(`key id ${key.id}`);
      expect(generated.stderr).not.toContain(readFileSync(file, "utf8").trim());
      // git ignores it, so `git add -A` cannot commit it.
      repo.git("add", "-A");
      expect(repo.git("status", "--porcelain")).not.toContain("signing-key");

      // Never over an existing key.
      const again = await runFeedwright(["keys", "generate", "--root", repo.root], { cwd: tmpdir() });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("already exists: feedwright never writes a key over a file");
      expect(parseSigningKey(readFileSync(file, "utf8")).publicKey).toBe(key.publicKey);

      // Nor anywhere in the repository that git would commit.
      const tracked = await repo.feedwright("keys", "generate", "--out", "signing-key.txt");
      expect(tracked.code).toBe(1);
      expect(tracked.stderr).toContain("is inside a git work tree and not ignored");
      expect(tracked.stdout).toBe("");
      expect(existsSync(path.join(repo.root, "signing-key.txt"))).toBe(false);
    },
  );
});
