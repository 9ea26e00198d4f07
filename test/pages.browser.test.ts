/**
 * The human pages of the published folder, as a person sees them in a real headless
 * browser: the example feed is built in-process, served over HTTP on 127.0.0.1 and read
 * with Debian's chromium through playwright-core.
 *
 * Needs Debian's chromium (`apt-get install -y chromium`), or CHROMIUM_PATH pointing at
 * another chromium build; without it this test fails rather than skipping.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PublishedRelease, ReleasesDocument } from "../scripts/contract/index.ts";
import { runFeedwright } from "./support/run-cli.ts";
import { createDemoRepo } from "./support/scratch-repo.ts";

const repoRoot = path.resolve(import.meta.dirname, "..");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  // Without these chromium keeps calling home, which floods a closed network.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SLUG = "igny8-wp-bridge";
const PLUGIN_NAME = "IGNY8 WordPress Bridge";
const BUILT_VERSIONS = ["1.3.0-beta.1", "1.2.0", "1.1.1", "1.1.0", "1.0.0"];
const SCREENSHOT = "/tmp/feedwright-plugin-page.png";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".zip": "application/zip",
  ".sha256": "text/plain; charset=utf-8",
};

/** A static file server for `root`, listening on 127.0.0.1 only, on a free port. */
async function serveStatic(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (request, response) => {
    try {
      const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
      let file = path.resolve(root, `.${pathname}`);
      if (file !== root && !file.startsWith(`${root}${path.sep}`)) throw new Error("outside the served folder");
      if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": contentTypes[path.extname(file)] ?? "application/octet-stream",
        "content-length": body.length,
      });
      response.end(body);
    } catch {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

/** The text of an element with whitespace collapsed, as it reads on screen. */
async function textOf(locator: Locator): Promise<string> {
  return collapse((await locator.textContent()) ?? "");
}

async function textsOf(locator: Locator): Promise<string[]> {
  return (await locator.allTextContents()).map(collapse);
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("published pages in a headless browser", () => {
  let siteRoot = "";
  let server: Server | undefined;
  let origin = "";
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let scratch: ReturnType<typeof createDemoRepo> | undefined;
  /** Requests the pages made to anywhere but the local server (there should be none). */
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `No chromium at ${chromiumPath}. This test drives a real headless browser: install Debian's chromium ` +
          "(apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH to a chromium executable.",
      );
    }
    siteRoot = await mkdtemp(path.join(tmpdir(), "feedwright-pages-"));

    // The repository's example feed, built in-process.
    const exampleOut = path.join(siteRoot, "example");
    const example = await runFeedwright(["build", "--out", exampleOut, "--quiet"], { cwd: repoRoot });
    expect(example.code, example.stderr).toBe(0);

    // A scratch feed whose changelog tries to smuggle in a script and a javascript: link.
    scratch = createDemoRepo();
    scratch.write(
      "releases/demo/1.1.0.yaml",
      `version: "1.1.0"
status: update_ready
released_at: "2026-02-01T00:00:00Z"
source: "${scratch.pins["1.1.0"]}"
changelog: |
  Second. <script>window.pwned=1</script>

  <img src=x onerror="window.pwned=2">

  - A [x](javascript:alert(1)) link.
`,
    );
    scratch.commit("hostile changelog");
    const scratchBuild = await scratch.feedwright("build", "--out", path.join(siteRoot, "scratch"), "--quiet");
    expect(scratchBuild.code, scratchBuild.stderr).toBe(0);

    ({ server, origin } = await serveStatic(siteRoot));
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    context.on("request", (request) => {
      if (!request.url().startsWith(`${origin}/`)) foreignRequests.push(request.url());
    });
    context.on("page", (page) => {
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("dialog", (dialog) => {
        pageErrors.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
    scratch?.cleanup();
    if (siteRoot) await rm(siteRoot, { recursive: true, force: true });
  });

  async function openPage(url: string): Promise<Page> {
    if (!context) throw new Error("no browser context");
    const page = await context.newPage();
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(200);
    return page;
  }

  async function publishedReleases(page: Page, base: string): Promise<PublishedRelease[]> {
    const response = await page.request.get(`${base}/plugins/${SLUG}/releases.json`);
    expect(response.status()).toBe(200);
    return ((await response.json()) as ReleasesDocument).releases;
  }

  it("lists the plugin with its stable and beta versions, and links to its page", async () => {
    const page = await openPage(`${origin}/example/`);
    await expect(page.title()).resolves.toBe("Plugin updates");
    const row = page.getByRole("row", { name: PLUGIN_NAME });
    await expect(row.count()).resolves.toBe(1);
    const cells = await textsOf(row.getByRole("cell"));
    expect(cells.slice(0, 3)).toEqual([PLUGIN_NAME, "1.2.0", "1.3.0-beta.1"]);

    await row.getByRole("link", { name: PLUGIN_NAME }).click();
    await page.waitForURL(`${origin}/example/plugins/${SLUG}/`);
    await expect(textOf(page.getByRole("heading", { level: 1 }))).resolves.toBe(PLUGIN_NAME);
    await page.close();
  });

  it("shows one row per built release with the published checksums", async () => {
    const page = await openPage(`${origin}/example/plugins/${SLUG}/`);
    const published = await publishedReleases(page, `${origin}/example`);
    expect(published.map((release) => release.version)).toEqual(BUILT_VERSIONS);

    const rows = page.locator("table tbody tr");
    const versions = await textsOf(rows.locator("td:first-child"));
    expect(versions).toEqual(BUILT_VERSIONS);
    expect(versions).not.toContain("1.4.0");

    for (const release of published) {
      const row = page.locator(`tr[id="v${release.version}"]`);
      const checksums = await textsOf(row.locator("td").nth(5).locator("code"));
      expect(checksums, release.version).toContain(`sha256 ${release.sha256}`);
      await expect(row.getByRole("link", { name: release.version }).getAttribute("href")).resolves.toBe(release.file);
    }

    const deprecated = page.locator('tr[id="v1.0.0"] td.status');
    await expect(textOf(deprecated)).resolves.toBe("deprecated");
    await expect(deprecated.getAttribute("class")).resolves.toContain("status-deprecated");
    // The test's tsconfig has no DOM types, so the in-page code is given as source text.
    const decoration = `getComputedStyle(document.querySelector('tr[id="v1.0.0"] td.status')).textDecorationLine`;
    await expect(page.evaluate(decoration)).resolves.toBe("line-through");
    await expect(textOf(page.locator('tr[id="v1.2.0"] td.status'))).resolves.toBe("update_ready");
    const withdrawn = page.locator("section.release", { has: page.getByRole("heading", { name: /^1\.0\.0\b/ }) });
    await expect(textOf(withdrawn)).resolves.toContain("Withdrawn:");

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });

  it("downloads the 1.2.0 package with the published sha256", async () => {
    const page = await openPage(`${origin}/example/plugins/${SLUG}/`);
    const expected = (await publishedReleases(page, `${origin}/example`)).find((r) => r.version === "1.2.0");
    expect(expected?.file).toBe(`${SLUG}-v1.2.0.zip`);

    const link = page.locator('tr[id="v1.2.0"]').getByRole("link", { name: "1.2.0" });
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe(expected?.file);
    expect(download.url()).toBe(`${origin}/example/plugins/${SLUG}/${expected?.file}`);
    expect(sha256(await readFile(await download.path()))).toBe(expected?.sha256);

    const response = await page.request.get(download.url());
    expect(response.status()).toBe(200);
    expect(sha256(await response.body())).toBe(expected?.sha256);
    await page.close();
  });

  it("renders changelog markdown as HTML", async () => {
    const page = await openPage(`${origin}/example/plugins/${SLUG}/`);
    const section = page.locator("section.release", { has: page.getByRole("heading", { name: /^1\.2\.0\b/ }) });
    await expect(textOf(section.locator("li strong"))).resolves.toBe("Sync now");
    await expect(textOf(section)).resolves.not.toContain("**");
    const beta = page.locator("section.release", { has: page.getByRole("heading", { name: /^1\.3\.0-beta\.1\b/ }) });
    await expect(textOf(beta.locator("code"))).resolves.toBe("igny8_bridge_experimental_taxonomy_sync");
    await page.close();
  });

  it("escapes raw HTML and drops javascript: links in a changelog", async () => {
    // Written after the page has loaded: anything that would run has run by then.
    const page = await openPage(`${origin}/scratch/plugins/demo/`);
    await expect(page.evaluate(() => "pwned" in globalThis)).resolves.toBe(false);
    await expect(page.locator("section.release script, section.release img").count()).resolves.toBe(0);

    const section = page.locator("section.release", { has: page.getByRole("heading", { name: /^1\.1\.0\b/ }) });
    const text = await textOf(section);
    expect(text).toContain("<script>window.pwned=1</script>");
    expect(text).toContain('<img src=x onerror="window.pwned=2">');
    expect(text).toContain("[x](javascript:alert(1))");

    const hrefs = await Promise.all((await page.locator("a").all()).map((a) => a.getAttribute("href")));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href ?? "").not.toMatch(/^\s*javascript:/i);
    await page.close();
  });

  it("loaded nothing from outside the local server and raised no page errors", () => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
