import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Publication, renderFeed, toCanonicalJson } from "../scripts/core/documents.ts";
import type { PluginPlan } from "../scripts/core/plan.ts";
import { parseSigningKey, renderSignatureFile } from "../scripts/core/signing.ts";
import { generateSeed } from "../scripts/io/keys.ts";
import { listFiles } from "./support/files.ts";
import { createDemoRepo, type ScratchRepo, TEST_SIGNING_KEY } from "./support/scratch-repo.ts";

const KEY = parseSigningKey(TEST_SIGNING_KEY);

describe("signatures and the signed feed", () => {
  let repo: ScratchRepo;
  let dist: string;
  beforeAll(async () => {
    repo = createDemoRepo();
    const result = await repo.feedwright("build", "--out", "dist", "--quiet");
    expect(result.code).toBe(0);
    dist = path.join(repo.root, "dist");
  });
  afterAll(() => repo.cleanup());

  it("writes .sig files that PHP's sodium verifies the way WordPress core does", () => {
    const zips = listFiles(dist).filter((file) => file.endsWith(".zip"));
    expect(zips).toEqual([
      "plugins/demo/demo-latest.zip",
      "plugins/demo/demo-v1.0.0.zip",
      "plugins/demo/demo-v1.1.0.zip",
    ]);
    // The check in wp-admin/includes/file.php, verify_file_signature(): every line of the
    // .sig is a base64 Ed25519 signature over hash_file('sha384', $file, true).
    const php = `
      $key = base64_decode($argv[1]);
      foreach (array_slice($argv, 2) as $zip) {
        $ok = false;
        foreach (file($zip . '.sig', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
          $ok = $ok || sodium_crypto_sign_verify_detached(base64_decode($line), hash_file('sha384', $zip, true), $key);
        }
        echo basename($zip), ' ', $ok ? 'valid' : 'INVALID', "\\n";
      }`;
    const out = execFileSync("php", ["-r", php, KEY.publicKey, ...zips.map((zip) => path.join(dist, zip))], {
      encoding: "utf8",
    });
    expect(out).toBe("demo-latest.zip valid\ndemo-v1.0.0.zip valid\ndemo-v1.1.0.zip valid\n");
    const tampered = path.join(repo.root, "tampered.zip");
    const bytes = readFileSync(path.join(dist, zips[1] ?? ""));
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    writeFileSync(tampered, bytes);
    copyFileSync(path.join(dist, `${zips[1]}.sig`), `${tampered}.sig`);
    expect(execFileSync("php", ["-r", php, KEY.publicKey, tampered], { encoding: "utf8" })).toBe(
      "tampered.zip INVALID\n",
    );
  });

  it("signs the canonical feed with a serial from git and an expiry 30 days after the commit", () => {
    const bytes = readFileSync(path.join(dist, "feed.json"));
    const feed = JSON.parse(bytes.toString("utf8"));
    expect(bytes.toString("utf8")).toBe(toCanonicalJson(feed));
    expect(feed.serial).toBe(Number(repo.git("rev-list", "--count", "HEAD")));
    const commitTime = Number(repo.git("show", "-s", "--format=%ct", "HEAD")) * 1000;
    expect(Date.parse(feed.issued_at)).toBe(commitTime);
    expect(Date.parse(feed.expires)).toBe(commitTime + 30 * 86_400_000);
    expect(feed.keys).toEqual([{ id: KEY.id, public_key: KEY.publicKey, role: "current" }]);
    expect(feed.plugins.demo.channels.stable).toMatchObject({ version: "1.1.0", size: expect.any(Number) });
  });

  it("issue 9 item 7: the signed feed lists the SHA-256 of every per-plugin JSON document", () => {
    const feed = JSON.parse(readFileSync(path.join(dist, "feed.json"), "utf8"));
    const published = listFiles(path.join(dist, "plugins/demo")).filter((file) => file.endsWith(".json"));
    const sha256 = (file: string) =>
      createHash("sha256")
        .update(readFileSync(path.join(dist, file)))
        .digest("hex");
    expect(Object.keys(feed.plugins.demo.documents)).toEqual(published);
    for (const name of published) expect(feed.plugins.demo.documents[name], name).toBe(sha256(`plugins/demo/${name}`));
    expect(feed.plugins.demo.releases.sha256).toBe(feed.plugins.demo.documents["releases.json"]);
  });

  it("gives a later commit a greater serial and leaves every other file as it was", async () => {
    const before = JSON.parse(readFileSync(path.join(dist, "feed.json"), "utf8"));
    const others = new Map(
      listFiles(dist)
        .filter((f) => !f.startsWith("feed.json"))
        .map((f) => [f, readFileSync(path.join(dist, f))]),
    );
    repo.write("NOTES.md", "unrelated change\n");
    repo.commit("an unrelated commit");
    expect((await repo.feedwright("build", "--out", "dist", "--quiet")).code).toBe(0);
    const after = JSON.parse(readFileSync(path.join(dist, "feed.json"), "utf8"));
    expect(after.serial).toBe(before.serial + 1);
    for (const [file, bytes] of others) expect(readFileSync(path.join(dist, file)), file).toEqual(bytes);
  });

  it("announces a next key and signs with both while rotating", async () => {
    const nextSeed = generateSeed();
    const out = path.join(repo.root, "rotating");
    const { code, stderr } = await repo.feedwrightWithEnv(
      { ...process.env, FEEDWRIGHT_SIGNING_KEY: TEST_SIGNING_KEY, FEEDWRIGHT_NEXT_SIGNING_KEY: nextSeed },
      "build",
      "--out",
      out,
      "--quiet",
    );
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    const feed = JSON.parse(readFileSync(path.join(out, "feed.json"), "utf8"));
    expect(feed.keys.map((key: { id: string; role: string }) => [key.id, key.role])).toEqual([
      [KEY.id, "current"],
      [parseSigningKey(nextSeed).id, "next"],
    ]);
    expect(readFileSync(path.join(out, "plugins/demo/demo-v1.1.0.zip.sig"), "utf8").trim().split("\n")).toHaveLength(2);
    const onlyNext = await repo.feedwright("verify", out, "--public-key", feed.keys[1].public_key);
    expect(onlyNext.code).toBe(0);
  });

  it("never writes the private key into the output", async () => {
    const seed = Buffer.from(TEST_SIGNING_KEY, "base64");
    const needles = [
      seed,
      Buffer.from(TEST_SIGNING_KEY),
      Buffer.from(seed.toString("hex")),
      Buffer.from(seed.toString("base64url")),
    ];
    for (const file of listFiles(dist)) {
      const bytes = readFileSync(path.join(dist, file));
      for (const needle of needles) expect(bytes.includes(needle), `${file} contains the key`).toBe(false);
    }
  });
});

describe("issue 9 item 7: where the feed says manifest.json is", () => {
  const plugin = (slug: string, siteUrl: string) =>
    ({
      slug,
      siteUrl,
      latest: { stable: null, beta: null },
      releases: [],
      definition: { name: slug, platform: "wordpress" },
    }) as unknown as PluginPlan;
  const publication: Publication = { serial: 1, commit: "c", issuedAt: "t", expires: "e", keys: [] };
  const manifestOf = (plugins: PluginPlan[]) => renderFeed(plugins, new Map(), publication, new Map(), "ab").manifest;

  it("beside feed.json at the site URL the plugins share", () => {
    expect(manifestOf([plugin("a", "https://u.example"), plugin("b", "https://u.example")])).toEqual({
      url: "https://u.example/manifest.json",
      sha256: "ab",
    });
  });

  it("relative to feed.json when the plugins' site URLs differ", () => {
    expect(manifestOf([plugin("a", "https://u.example"), plugin("b", "https://v.example")]).url).toBe("manifest.json");
  });
});

describe("signing keys", () => {
  it("creates a development key on the first build, says so, and keeps it out of git", async () => {
    const repo = createDemoRepo();
    try {
      const { FEEDWRIGHT_SIGNING_KEY: _, ...withoutKey } = process.env;
      const build = () => repo.feedwrightWithEnv(withoutKey, "build", "--out", "dist", "--quiet");
      const first = await build();
      expect(first.code).toBe(0);
      expect(first.stderr).toMatch(
        /^created a development signing key in .*\.feedwright\/keys\/dev-signing-key \(git-ignored\); public key \S{44}$/m,
      );
      const keyFile = path.join(repo.root, ".feedwright/keys/dev-signing-key");
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const second = await build();
      expect(second.stderr).not.toMatch(/created a development signing key/);
      const publicKey = await repo.feedwrightWithEnv(withoutKey, "keys", "public");
      expect(publicKey.stdout.trim()).toBe(parseSigningKey(readFileSync(keyFile, "utf8")).publicKey);
    } finally {
      repo.cleanup();
    }
  });

  it("is git-ignored in this repository, with the cache and the build output", () => {
    const root = path.resolve(import.meta.dirname, "..");
    for (const file of [".feedwright/keys/dev-signing-key", ".feedwright/cache/packages/x.zip", "dist/feed.json"]) {
      expect(execFileSync("git", ["check-ignore", file], { cwd: root, encoding: "utf8" }).trim()).toBe(file);
    }
  });

  it("refuses to publish without the key from the environment when asked to", async () => {
    const repo = createDemoRepo();
    try {
      const { code, stderr } = await repo.feedwrightWithEnv({}, "build", "--require-key", "--out", "dist");
      expect(code).toBe(1);
      expect(stderr).toBe(
        "error: FEEDWRIGHT_SIGNING_KEY is not set: publishing signs with the key from the environment, not a development key\n",
      );
    } finally {
      repo.cleanup();
    }
  });

  it("generates a key whose public half is what a plugin pins", async () => {
    const repo = createDemoRepo();
    try {
      const generated = await repo.feedwright("keys", "generate");
      const key = parseSigningKey(repo.read(".feedwright/keys/signing-key"));
      expect(generated.stdout).toBe(`${key.publicKey}\n`);
      expect(generated.stderr).toContain(`key id ${key.id}`);
      expect(Buffer.from(key.publicKey, "base64")).toHaveLength(32);
    } finally {
      repo.cleanup();
    }
  });
});

describe("feedwright verify", () => {
  let repo: ScratchRepo;
  beforeAll(async () => {
    repo = createDemoRepo();
    expect((await repo.feedwright("build", "--out", "dist", "--quiet")).code).toBe(0);
  });
  afterAll(() => repo.cleanup());

  const fresh = async (tamper?: (dist: string) => void) => {
    const copy = path.join(repo.root, `copy-${Math.random().toString(36).slice(2)}`);
    execFileSync("cp", ["-r", path.join(repo.root, "dist"), copy]);
    tamper?.(copy);
    return copy;
  };

  it("passes on a fresh build", async () => {
    const result = await repo.feedwright("verify", await fresh());
    expect(result.stdout).not.toMatch(/^FAIL/m);
    expect(result.stderr).toMatch(/: \d+ checks passed, 0 failed/);
    expect(result.code).toBe(0);
  });

  it.each([
    [
      "a flipped byte in a ZIP",
      (dist: string) => {
        const file = path.join(dist, "plugins/demo/demo-v1.0.0.zip");
        const bytes = readFileSync(file);
        bytes[200] = (bytes[200] ?? 0) ^ 1;
        writeFileSync(file, bytes);
      },
      [
        "manifest matches file",
        "package sha256",
        "package md5",
        "checksum file",
        "package signature",
        "packaged main file",
      ],
    ],
    [
      "a swapped .sig",
      (dist: string) =>
        copyFileSync(
          path.join(dist, "plugins/demo/demo-v1.1.0.zip.sig"),
          path.join(dist, "plugins/demo/demo-v1.0.0.zip.sig"),
        ),
      ["manifest matches file", "package signature"],
    ],
    [
      "a feed signed by another key",
      (dist: string) => {
        const other = parseSigningKey(generateSeed());
        writeFileSync(
          path.join(dist, "feed.json.sig"),
          renderSignatureFile(readFileSync(path.join(dist, "feed.json")), [other]),
        );
      },
      ["feed signature"],
    ],
    [
      "an info.json pointing at a wrong checksum",
      (dist: string) => {
        const file = path.join(dist, "plugins/demo/info.json");
        const info = JSON.parse(readFileSync(file, "utf8"));
        info.checksum = "0".repeat(64);
        writeFileSync(file, JSON.stringify(info));
      },
      ["manifest matches file", "feed matches document", "info matches feed"],
    ],
    [
      "a releases.json edited after signing",
      (dist: string) => {
        const file = path.join(dist, "plugins/demo/releases.json");
        writeFileSync(file, readFileSync(file, "utf8").replace('"rollout": 100', '"rollout": 99'));
      },
      // Issue 12: and offers.json, which sites decide from, no longer says what it says.
      ["manifest matches file", "feed matches document", "offer index matches releases.json"],
    ],
  ])("fails on %s, naming the check", async (_name, tamper, failedChecks) => {
    const result = await repo.feedwright("verify", await fresh(tamper));
    expect(result.code).toBe(1);
    const failed = [...result.stdout.matchAll(/^FAIL {2}(.+?) {2}/gm)].map((match) => match[1]?.trim());
    expect(failed).toEqual(failedChecks);
  });

  it("fails on an expired feed", async () => {
    const result = await repo.feedwright("verify", await fresh(), "--now", "2099-01-01T00:00:00Z");
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL {2}feed expiry +feed\.json: expires .* \(expired\)$/m);
  });

  it("fails on a replayed older feed", async () => {
    const serial = JSON.parse(readFileSync(path.join(repo.root, "dist/feed.json"), "utf8")).serial;
    const result = await repo.feedwright("verify", await fresh(), "--min-serial", String(serial + 1));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL {2}feed serial/m);
  });

  it("works over HTTP", async () => {
    const folder = await fresh();
    const server: Server = createServer((request, response) => {
      try {
        const file = path.join(folder, decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname));
        response.end(readFileSync(file));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await repo.feedwright("verify", `http://127.0.0.1:${port}/`);
      expect(result.stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/: \d+ checks passed, 0 failed$/m);
      expect(result.code).toBe(0);
    } finally {
      server.close();
    }
  });
});
