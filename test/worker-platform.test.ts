/**
 * The Worker as Cloudflare runs it, from Node: routing between static assets and the Worker
 * through wrangler's test harness, the bindings of every environment, and the deploy bundle.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "jsonc-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestHarness } from "wrangler";
import {
  apiUrl,
  FEED_PATH,
  type FeedDocument,
  geeklogPath,
  isApiBase,
  OFFERS_FILE,
  pluginFilePath,
  RELEASES_FILE,
  type ReleasesDocument,
} from "../scripts/contract/index.ts";
import { WRANGLER_CONFIG, wranglerCommand } from "../scripts/io/wrangler.ts";
import { runFeedwright } from "./support/run-cli.ts";
import { type ScratchRepo, TEST_ENV, TEST_SIGNING_KEY } from "./support/scratch-repo.ts";
import { buildFixtureRepository } from "./worker/fixture-feed.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const readJsonc = (file: string) => parse(readFileSync(path.join(ROOT, file), "utf8"));
const production = readJsonc("worker/wrangler.jsonc");
const testConfig = readJsonc("test/worker/wrangler.test.jsonc");

let feedDir: string;
/** The releases repository the fixture feed was built from (sign-url reads its release tree). */
let fixtureRepo: ScratchRepo;
beforeAll(async () => {
  feedDir = mkdtempSync(path.join(tmpdir(), "feedwright-platform-"));
  fixtureRepo = await buildFixtureRepository(feedDir);
});
afterAll(() => {
  rmSync(feedDir, { recursive: true, force: true });
  fixtureRepo.cleanup();
});

describe("routing between the static folder and the Worker", () => {
  let server: ReturnType<typeof createTestHarness>;
  beforeAll(async () => {
    server = createTestHarness({
      root: ROOT,
      workers: [
        {
          config: {
            ...testConfig,
            main: path.join(ROOT, "worker/src/index.ts"),
            assets: { ...testConfig.assets, directory: feedDir },
            ratelimits: production.ratelimits,
          },
        },
      ],
    });
    await server.listen();
  });
  afterAll(() => server.close());

  it.each([
    ["/", "text/html; charset=utf-8"],
    ["/plugins/demo/info.json", "application/json; charset=utf-8"],
    ["/plugins/demo/releases.json", "application/json; charset=utf-8"],
    ["/feed.json", "application/json; charset=utf-8"],
    ["/plugins/demo/demo-v1.1.0.zip.sha256", "text/plain; charset=utf-8"],
  ])("serves %s straight from the static assets", async (pathname, contentType) => {
    const response = await server.fetch(pathname);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(contentType);
    expect(response.headers.get("x-served-by")).toBeNull();
    await response.arrayBuffer();
  });

  it("caches versioned signature files as immutable, by the _headers rules", async () => {
    const response = await server.fetch("/plugins/demo/demo-v1.1.0.zip.sig");
    expect(response.headers.get("x-served-by")).toBeNull();
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    await response.arrayBuffer();
  });

  it.each([
    ["/api/plugins/demo/check-update/?current_version=1.0.0", 200],
    ["/api/plugins/demo/info/", 200],
    ["/api/plugins/nope/info/", 404],
    ["/api/anything", 404],
    ["/plugins/demo/demo-v1.1.0.zip", 200],
    ["/plugins/secret/secret-v1.0.0.zip", 401],
  ])("runs the Worker first for %s", async (pathname, status) => {
    const response = await server.fetch(pathname);
    expect(response.status).toBe(status);
    expect(response.headers.get("x-served-by")).toBe("feedwright-worker");
    await response.arrayBuffer();
  });

  it("accepts a private download URL signed by `feedwright sign-url`", async () => {
    const { code, stdout: url } = await runFeedwright(
      ["sign-url", "secret", "--version", "1.0.0", "--base", "http://feed.example", "--ttl", "60"],
      { cwd: fixtureRepo.root, env: { DOWNLOAD_URL_KEY: "test-download-url-key" } },
    );
    expect(code).toBe(0);
    const signed = new URL(url.trim());
    const response = await server.fetch(`${signed.pathname}${signed.search}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="secret-v1.0.0.zip"');
    await response.arrayBuffer();
    const tampered = await server.fetch(`${signed.pathname}${signed.search.replace("version=1.0.0", "version=1.0.1")}`);
    expect(tampered.status).not.toBe(200);
    await tampered.arrayBuffer();
  });

  it("issue 11 item 2: every URL the build writes into its JSON documents is served, by the Worker or the static folder", async () => {
    const feed = JSON.parse(readFileSync(path.join(feedDir, FEED_PATH), "utf8")) as FeedDocument;
    const checked: string[] = [];
    for (const slug of Object.keys(feed.plugins)) {
      const releases = JSON.parse(
        readFileSync(path.join(feedDir, pluginFilePath(slug, RELEASES_FILE)), "utf8"),
      ) as ReleasesDocument;
      // Only the feed's own addresses (the fixture has no site_url: the folder is served at the
      // origin of api_base); homepage, banners and icons point elsewhere.
      // releases.json's api_base field is the base itself, not an address to fetch.
      const ours = (url: string) =>
        url.startsWith(`${new URL(releases.api_base).origin}/`) && url !== releases.api_base;
      // Every JSON document the signed feed vouches for: a channel with no release (an inactive
      // plugin) publishes no info or check-update document.
      const documents = Object.keys(feed.plugins[slug]?.documents ?? {});
      expect(documents).toEqual(expect.arrayContaining([RELEASES_FILE, OFFERS_FILE]));
      for (const name of documents) {
        const document = JSON.parse(readFileSync(path.join(feedDir, pluginFilePath(slug, name)), "utf8"));
        for (const url of new Set(urlsIn(document).filter(ours))) {
          const response = await server.fetch(url);
          const bytes = new Uint8Array(await response.arrayBuffer());
          const isPackage = /\/download\/|\.zip$/.test(url);
          // run_worker_first: /api/* and packages; everything else is a static file.
          const byWorker = url.startsWith(`${releases.api_base}/`) || url.endsWith(".zip");
          expect(response.headers.get("x-served-by"), url).toBe(byWorker ? "feedwright-worker" : null);
          if (releases.private && isPackage) {
            // The route exists; a private package needs a signed URL (tested above).
            expect(response.status, url).toBe(401);
          } else {
            expect(response.status, `${url} in ${pluginFilePath(slug, name)}`).toBe(200);
          }
          if (isPackage && response.status === 200) {
            const sha256 = createHash("sha256").update(bytes).digest("hex");
            expect(releases.releases.map((release) => release.sha256)).toContain(sha256);
          }
          checked.push(url);
        }
      }
    }
    // Download, info and signature URLs of both plugins were among them.
    expect(checked.filter((url) => url.includes("/api/plugins/demo/download/")).length).toBeGreaterThan(1);
    expect(checked).toContain("https://api.example.com/api/plugins/demo/info/");
    expect(checked.some((url) => url.endsWith(".zip.sig"))).toBe(true);
    expect(checked.some((url) => url.startsWith("https://api.example.com/api/plugins/secret/"))).toBe(true);
  });

  it("issue 13: the Geeklog repository: status.rep and the listing are static files, the check and the downloads run the Worker", async () => {
    for (const [endpoint, contentType] of [
      ["status", "text/plain; charset=utf-8"],
      ["listing", "text/xml; charset=utf-8"],
    ] as const) {
      const response = await server.fetch(`/${geeklogPath(endpoint)}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(contentType);
      expect(response.headers.get("x-served-by")).toBeNull();
      expect(await response.text()).toBe(readFileSync(path.join(feedDir, geeklogPath(endpoint)), "utf8"));
    }
    const check = await server.fetch(`/${geeklogPath("check")}?cmd=2`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "REPOSITORY_ARRAY_PATCHES=a%3A0%3A%7B%7D",
    });
    expect(check.status).toBe(200);
    expect(check.headers.get("x-served-by")).toBe("feedwright-worker");
    expect(await check.text()).toContain("<repository>");
    for (const endpoint of ["get", "patch", "upgrade"] as const) {
      const response = await server.fetch(`/${geeklogPath(endpoint)}?pid=1`, { redirect: "manual" });
      expect(response.status).toBe(404);
      expect(response.headers.get("x-served-by")).toBe("feedwright-worker");
      await response.arrayBuffer();
    }
  });

  it("issue 11 item 2: the Worker routes the URLs of exactly the api_base values validate accepts", async () => {
    const bases = [
      "https://feed.example/api",
      "https://feed.example",
      "https://feed.example/v1/api",
      "https://feed.example/api/v2",
      "https://feed.example/wp-updates",
    ];
    for (const base of bases) {
      for (const action of ["info", "check-update"] as const) {
        const response = await server.fetch(apiUrl(base, "demo", action, "?current_version=1.0.0"));
        const body = (await response.json()) as { error?: { message: string } };
        expect(response.status === 200, `${base}: ${action} ${JSON.stringify(body)}`).toBe(isApiBase(base));
      }
    }
    expect(bases.filter(isApiBase)).toEqual(["https://feed.example/api"]);
  });

  it("issue 11 item 9: feedwright verify <url> checks every package without counting a download", async () => {
    const { url } = await server.listen();
    const downloads = async (slug: string) => {
      const response = await server.fetch(`/api/plugins/${slug}/stats/?refresh=1`, {
        headers: { authorization: "Bearer test-admin-token" },
      });
      return ((await response.json()) as { downloads: { total: number } }).downloads.total;
    };
    const before = await downloads("demo");
    const result = await runFeedwright(["verify", url.href], { cwd: fixtureRepo.root, env: TEST_ENV });
    const checkedPackages = [...result.stdout.matchAll(/^PASS {2}package sha256 +(plugins\/demo\/\S+\.zip):/gm)];
    expect(checkedPackages.length, result.stdout).toBeGreaterThan(3);
    expect(result.stdout).toMatch(/^PASS {2}latest package +plugins\/demo\/demo-latest\.zip:/m);
    expect(await downloads("demo")).toBe(before);
    // A plain download of one of those packages is still counted.
    await (await server.fetch("/plugins/demo/demo-v1.1.0.zip")).arrayBuffer();
    expect(await downloads("demo")).toBe(before + 1);
  });

  it("issue 14 item 4: feedwright verify <url> still checks a package whose rollout is halted, and the latest", async () => {
    const { url } = await server.listen();
    const rollout = (action: "halt" | "resume") =>
      server.fetch("/api/plugins/guarded/rollout/", {
        method: "POST",
        headers: { authorization: "Bearer test-admin-token", "content-type": "application/json" },
        body: JSON.stringify({ action, version: "1.2.0" }),
      });
    expect((await rollout("halt")).status).toBe(200);
    try {
      // A site not on it is refused the package, and the latest is the release before it.
      expect((await server.fetch("/plugins/guarded/guarded-v1.2.0.zip").then(drain)).status).toBe(409);
      const result = await runFeedwright(["verify", url.href], { cwd: fixtureRepo.root, env: TEST_ENV });
      expect(result.stdout).toMatch(/^PASS {2}package sha256 +plugins\/guarded\/guarded-v1\.2\.0\.zip:/m);
      expect(result.stdout).toMatch(/^PASS {2}latest package +plugins\/guarded\/guarded-latest\.zip:/m);
      expect(result.stdout).not.toMatch(/^FAIL .*guarded/m);
    } finally {
      expect((await rollout("resume")).status).toBe(200);
    }
  });

  it("serves versioned packages through the Worker, still cached as immutable", async () => {
    const response = await server.fetch("/plugins/demo/demo-v1.1.0.zip");
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="demo-v1.1.0.zip"');
    await response.arrayBuffer();
  });
});

/** A response with its body read (so the connection is free again). */
async function drain(response: Response): Promise<Response> {
  await response.arrayBuffer();
  return response;
}

/** Every string in a JSON value that is an http(s) URL. */
function urlsIn(value: unknown): string[] {
  if (typeof value === "string") return /^https?:\/\//.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(urlsIn);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(urlsIn);
  return [];
}

describe("wrangler configuration", () => {
  const bindingNames = (config: Record<string, unknown>) => ({
    kv: ((config.kv_namespaces as { binding: string }[]) ?? []).map((kv) => kv.binding),
    durableObjects: ((config.durable_objects as { bindings: { name: string }[] })?.bindings ?? []).map((b) => b.name),
    rateLimits: ((config.ratelimits as { name: string }[]) ?? []).map((limit) => limit.name),
    vars: Object.keys((config.vars as object) ?? {}).filter(
      (name) => !["ADMIN_TOKEN", "DOWNLOAD_URL_KEY"].includes(name),
    ),
  });

  it("repeats every binding in the staging and production environments, and in the test config", () => {
    const expected = bindingNames(production);
    expect(expected).toEqual({
      kv: ["INSTALLATIONS"],
      durableObjects: ["DOWNLOAD_COUNTER"],
      rateLimits: ["RATE_LIMIT_IP", "RATE_LIMIT_SITE"],
      vars: ["INSTALLATION_TTL_DAYS"],
    });
    for (const name of ["staging", "production"]) {
      expect(bindingNames(production.env[name]), name).toEqual(expected);
      expect(production.env[name].triggers).toEqual(production.triggers);
    }
    expect(bindingNames(testConfig)).toEqual(expected);
  });

  it("issue 14 item 4: no deployed environment sets FEEDWRIGHT_DEV_CLOCK, so X-Feedwright-Now is ignored there", () => {
    for (const config of [production, production.env.staging, production.env.production, testConfig]) {
      expect(JSON.stringify(config)).not.toContain("FEEDWRIGHT_DEV_CLOCK");
    }
  });

  it("pins a compatibility date the bundled workerd accepts", () => {
    const workerd = JSON.parse(readFileSync(path.join(ROOT, "node_modules/workerd/package.json"), "utf8"))
      .version as string;
    const build = workerd.split(".")[1] ?? "";
    const supported = `${build.slice(0, 4)}-${build.slice(4, 6)}-${build.slice(6, 8)}`;
    expect(production.compatibility_date <= supported).toBe(true);
    expect(testConfig.compatibility_date).toBe(production.compatibility_date);
  });

  it("bundles for production with wrangler deploy --dry-run, with no secret in the bundle", () => {
    const outDir = mkdtempSync(path.join(tmpdir(), "feedwright-bundle-"));
    try {
      const wrangler = wranglerCommand([
        "deploy",
        "--dry-run",
        "--config",
        WRANGLER_CONFIG,
        "--env",
        "production",
        "--assets",
        feedDir,
        "--outdir",
        outDir,
      ]);
      execFileSync(wrangler.command, wrangler.args, { cwd: ROOT, stdio: "pipe", env: wrangler.env });
      const files = readdirSync(outDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      expect(files.map((file) => file.name)).toContain("index.js");
      const seed = Buffer.from(TEST_SIGNING_KEY, "base64");
      for (const file of files) {
        const bytes = readFileSync(path.join(file.parentPath, file.name));
        expect(bytes.includes(seed), file.name).toBe(false);
        expect(bytes.includes(Buffer.from(TEST_SIGNING_KEY)), file.name).toBe(false);
        expect(bytes.includes(Buffer.from("PRIVATE KEY")), file.name).toBe(false);
        expect(bytes.includes(Buffer.from("test-download-url-key")), file.name).toBe(false);
      }
      // What went into the bundle, by the source map: the Worker, the contract and their two
      // packages, never the build (scripts/core, scripts/io, ...) or its dependencies.
      const map = JSON.parse(readFileSync(path.join(outDir, "index.js.map"), "utf8")) as { sources: string[] };
      const sources = map.sources.map((source) => path.relative(ROOT, path.resolve(outDir, source)));
      const origins = new Set(
        sources.map((source) =>
          source.startsWith("node_modules/")
            ? (source.split("/")[1] ?? source)
            : source.split("/").slice(0, 2).join("/"),
        ),
      );
      expect([...origins].sort()).toEqual(["hono", "scripts/contract", "semver", "worker/src"]);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
