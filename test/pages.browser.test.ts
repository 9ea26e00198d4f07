/**
 * The human pages of the published folder, as a person sees them in a real headless
 * browser: the example feed is built in-process, served over HTTP on 127.0.0.1 and read
 * with Debian's chromium through playwright-core, at a desktop width (1280 px) and a phone
 * width (390 px). Screenshots of every page at both widths are saved in test/.output/pages/
 * (git-ignored) for a person to look at.
 *
 * Needs Debian's chromium (`apt-get install -y chromium`), or CHROMIUM_PATH pointing at
 * another chromium build; without it this test fails rather than skipping.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FeedDocument,
  type InfoDocument,
  type PublishedRelease,
  type ReleasesDocument,
  STATUSES,
} from "../scripts/contract/index.ts";
import { verifyFileSignature } from "../scripts/core/signing.ts";
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
/** Screenshots for people, not for the assertions: git-ignored, kept after the run. */
const SCREENSHOTS = path.join(repoRoot, "test", ".output", "pages");
const WIDTHS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;
/** A URL on another origin that the scratch plugin names as its icon: the pages must not load it. */
const FOREIGN_ICON = "https://cdn.example.com/demo-icon-128x128.png";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".zip": "application/zip",
  ".sha256": "text/plain; charset=utf-8",
  ".sig": "text/plain; charset=utf-8",
  ".pub": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
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

/**
 * A release date as a person reads it, computed here with the platform's own date formatting
 * (the pages' is written out by hand): day, month name and year, in UTC.
 */
function humanDate(iso: string): string {
  return new Date(iso).toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
}

/** The size a person reads for a byte count: KiB with one decimal below 1 MiB. */
function humanSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Statuses as the issue asks visitors to read them; every other status is checked to differ from its YAML word. */
const EXPECTED_LABELS: Partial<Record<string, string>> = {
  update_ready: "Recommended update",
  released: "Stable",
  deprecated: "Withdrawn",
  testing: "Beta",
};

describe("published pages in a headless browser", () => {
  let siteRoot = "";
  let server: Server | undefined;
  let origin = "";
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const scratches: { cleanup(): void }[] = [];
  /** Requests the pages made to anywhere but the local server (there should be none). */
  const foreignRequests: string[] = [];
  /** Script errors, dialogs and console errors (a failed image or link load shows there). */
  const pageErrors: string[] = [];

  function watch(browserContext: BrowserContext): void {
    browserContext.on("request", (request) => {
      if (!request.url().startsWith(`${origin}/`)) foreignRequests.push(request.url());
    });
    browserContext.on("page", (page) => {
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") pageErrors.push(`console: ${message.text()} at ${page.url()}`);
      });
      page.on("dialog", (dialog) => {
        pageErrors.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
    });
  }

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `No chromium at ${chromiumPath}. This test drives a real headless browser: install Debian's chromium ` +
          "(apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH to a chromium executable.",
      );
    }
    siteRoot = await mkdtemp(path.join(tmpdir(), "feedwright-pages-"));
    await mkdir(SCREENSHOTS, { recursive: true });

    // The repository's example feed, built in-process.
    const exampleOut = path.join(siteRoot, "example");
    const example = await runFeedwright(["build", "--out", exampleOut, "--quiet"], { cwd: repoRoot });
    expect(example.code, example.stderr).toBe(0);

    // A scratch feed whose changelog tries to smuggle in a script and a javascript: link, and
    // whose icon is an image on another origin.
    const scratch = createDemoRepo();
    scratches.push(scratch);
    scratch.write(
      "releases/demo/plugin.yaml",
      `${scratch.read("releases/demo/plugin.yaml")}icons:\n  1x: ${FOREIGN_ICON}\n`,
    );
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
  - A long word: ${"x".repeat(120)}
`,
    );
    scratch.commit("hostile changelog");
    const scratchBuild = await scratch.feedwright("build", "--out", path.join(siteRoot, "scratch"), "--quiet");
    expect(scratchBuild.code, scratchBuild.stderr).toBe(0);

    // A plugin switched off: `active: false` in its plugin.yaml.
    const inactive = createDemoRepo();
    scratches.push(inactive);
    inactive.write("releases/demo/plugin.yaml", `${inactive.read("releases/demo/plugin.yaml")}active: false\n`);
    inactive.commit("switch the plugin off");
    const inactiveBuild = await inactive.feedwright("build", "--out", path.join(siteRoot, "inactive"), "--quiet");
    expect(inactiveBuild.code, inactiveBuild.stderr).toBe(0);

    ({ server, origin } = await serveStatic(siteRoot));
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    watch(context);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
    for (const scratch of scratches) scratch.cleanup();
    if (siteRoot) await rm(siteRoot, { recursive: true, force: true });
  });

  async function openPage(url: string, viewport: { width: number; height: number } = WIDTHS[0]): Promise<Page> {
    if (!context) throw new Error("no browser context");
    const page = await context.newPage();
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(200);
    // Every image and style has loaded (or failed, which the console shows) before anything is read.
    await page.waitForLoadState("load");
    return page;
  }

  async function fetchJson<T>(page: Page, url: string): Promise<T> {
    const response = await page.request.get(url);
    expect(response.status(), url).toBe(200);
    return (await response.json()) as T;
  }

  async function publishedReleases(page: Page, base: string): Promise<PublishedRelease[]> {
    return (await fetchJson<ReleasesDocument>(page, `${base}/plugins/${SLUG}/releases.json`)).releases;
  }

  const exampleBase = () => `${origin}/example`;
  const examplePage = () => `${exampleBase()}/plugins/${SLUG}/`;

  it("lists the plugin with its stable and beta versions, and links to its page", async () => {
    const page = await openPage(`${exampleBase()}/`);
    await expect(page.title()).resolves.toBe("Plugin updates");
    const card = page.locator(`li#plugin-${SLUG}`);
    await expect(textOf(card.locator(".versions"))).resolves.toBe("Latest version 1.2.0 · beta 1.3.0-beta.1");

    await card.getByRole("link", { name: PLUGIN_NAME }).click();
    await page.waitForURL(examplePage());
    await expect(textOf(page.getByRole("heading", { level: 1 }))).resolves.toBe(PLUGIN_NAME);
    await page.close();
  });

  it("shows one entry per built release with the published checksums", async () => {
    const page = await openPage(examplePage());
    const published = await publishedReleases(page, exampleBase());
    expect(published.map((release) => release.version)).toEqual(BUILT_VERSIONS);

    const versions = await textsOf(page.locator("tbody.release td.version strong"));
    expect(versions).toEqual(BUILT_VERSIONS);
    expect(versions).not.toContain("1.4.0");

    for (const release of published) {
      const row = page.locator(`tbody[id="v${release.version}"]`);
      await expect(row.locator("code.hash").textContent()).resolves.toBe(release.sha256);
      await expect(row.getByRole("link", { name: `Download ${release.version}` }).getAttribute("href")).resolves.toBe(
        release.file,
      );
    }

    const deprecated = page.locator('tbody[id="v1.0.0"]');
    await expect(deprecated.getAttribute("class")).resolves.toContain("status-deprecated");
    // The test's tsconfig has no DOM types, so the in-page code is given as source text.
    const decoration = `getComputedStyle(document.querySelector('tbody[id="v1.0.0"] td.version strong')).textDecorationLine`;
    await expect(page.evaluate(decoration)).resolves.toBe("line-through");
    await expect(textOf(deprecated.locator("details.changelog"))).resolves.toContain(
      `Withdrawn: ${published.find((release) => release.version === "1.0.0")?.deprecation_reason}`,
    );
    await page.close();
  });

  it("downloads the 1.2.0 package with the published sha256", async () => {
    const page = await openPage(examplePage());
    const expected = (await publishedReleases(page, exampleBase())).find((r) => r.version === "1.2.0");
    expect(expected?.file).toBe(`${SLUG}-v1.2.0.zip`);

    const link = page.locator('tbody[id="v1.2.0"]').getByRole("link", { name: "Download 1.2.0" });
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe(expected?.file);
    expect(download.url()).toBe(`${examplePage()}${expected?.file}`);
    expect(sha256(await readFile(await download.path()))).toBe(expected?.sha256);

    const response = await page.request.get(download.url());
    expect(response.status()).toBe(200);
    expect(sha256(await response.body())).toBe(expected?.sha256);
    await page.close();
  });

  it("renders changelog markdown as HTML", async () => {
    const page = await openPage(examplePage());
    const latest = page.locator('tbody[id="v1.2.0"] details.changelog');
    await expect(textOf(latest.locator("li strong"))).resolves.toBe("Sync now");
    await expect(textOf(latest)).resolves.not.toContain("**");
    const beta = page.locator('tbody[id="v1.3.0-beta.1"] details.changelog');
    await expect(textOf(beta.locator("code"))).resolves.toBe("igny8_bridge_experimental_taxonomy_sync");
    await page.close();
  });

  it("escapes raw HTML and drops javascript: links in a changelog", async () => {
    // Written after the page has loaded: anything that would run has run by then.
    const page = await openPage(`${origin}/scratch/plugins/demo/`);
    await expect(page.evaluate(() => "pwned" in globalThis)).resolves.toBe(false);
    await expect(page.locator("details.changelog script, details.changelog img").count()).resolves.toBe(0);

    const section = page.locator('tbody[id="v1.1.0"] details.changelog');
    const text = await textOf(section);
    expect(text).toContain("<script>window.pwned=1</script>");
    expect(text).toContain('<img src=x onerror="window.pwned=2">');
    expect(text).toContain("[x](javascript:alert(1))");

    const hrefs = await Promise.all((await page.locator("a").all()).map((a) => a.getAttribute("href")));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href ?? "").not.toMatch(/^\s*javascript:/i);
    await page.close();
  });

  it("issue 11 item 12: the page is titled with the plugin's name and shows its icon and banner from the published folder", async () => {
    const page = await openPage(examplePage());
    await expect(page.title()).resolves.toBe(PLUGIN_NAME);
    const plugin = await fetchJson<InfoDocument>(page, `${examplePage()}info.json`);
    for (const [selector, published] of [
      ["header img.icon", plugin.icons?.svg],
      ["header img.banner", plugin.banners?.low],
    ] as const) {
      const image = page.locator(selector);
      const src = await image.evaluate((element) => (element as unknown as { currentSrc: string }).currentSrc);
      // The same file info.json gives WordPress, here from the page's own origin.
      expect(String(src)).toBe(`${examplePage()}${String(published).split(`/plugins/${SLUG}/`)[1]}`);
      const loaded = image.evaluate((element) => {
        const img = element as unknown as { complete: boolean; naturalWidth: number };
        return img.complete && img.naturalWidth > 0;
      });
      await expect(loaded).resolves.toBe(true);
    }
    await page.close();
  });

  it("issue 11 item 12: the download button offers the latest stable with the version, size and requirements of releases.json", async () => {
    for (const viewport of WIDTHS) {
      const page = await openPage(examplePage(), viewport);
      const document = await fetchJson<ReleasesDocument>(page, `${examplePage()}releases.json`);
      const latest = document.releases.find((release) => release.version === document.latest.stable);
      if (!latest?.file || latest.size === null) throw new Error("the example has a packaged latest stable");

      const button = page.locator("a#download");
      await expect(button.isVisible()).resolves.toBe(true);
      await expect(textOf(button)).resolves.toBe(`Download ${latest.version}`);
      await expect(button.getAttribute("href")).resolves.toBe(latest.file);
      const size = page.locator(".download .download-size");
      await expect(size.getAttribute("data-bytes")).resolves.toBe(String(latest.size));
      await expect(textOf(size)).resolves.toBe(humanSize(latest.size));
      await expect(textOf(page.locator(".download .download-version"))).resolves.toBe(latest.version);
      await expect(textOf(page.locator(".download .download-php"))).resolves.toBe(
        `Requires PHP ${latest.requires_php} or later`,
      );
      await expect(textOf(page.locator(".download .download-wp"))).resolves.toBe(
        `Requires WordPress ${latest.requires_wp} or later, tested up to ${latest.tested_wp}`,
      );
      // A button, not a small link: at least as tall as a finger needs, and wide on a phone.
      const box = await button.boundingBox();
      expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
      if (viewport.name === "phone") expect(box?.width ?? 0).toBeGreaterThan(viewport.width * 0.7);

      const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
      expect(download.suggestedFilename()).toBe(latest.file);
      expect(sha256(await readFile(await download.path()))).toBe(latest.sha256);
      await page.close();
    }
  });

  it("issue 11 item 12: dates are human and in UTC, statuses are words a person understands", async () => {
    const page = await openPage(examplePage());
    const published = await publishedReleases(page, exampleBase());
    for (const release of published) {
      const row = page.locator(`tbody[id="v${release.version}"]`);
      const released = row.locator("td.released");
      if (release.released_at) {
        await expect(released.locator("time").getAttribute("datetime")).resolves.toBe(release.released_at);
        await expect(textOf(released)).resolves.toBe(humanDate(release.released_at));
      } else {
        await expect(textOf(released)).resolves.toBe("Not dated");
      }
      const label = await textOf(row.locator(".status-label"));
      expect(label, release.version).toBe(EXPECTED_LABELS[release.status]);
    }
    const latest = published.find((release) => release.status === "update_ready");
    await expect(textOf(page.locator(".download .facts time"))).resolves.toBe(humanDate(latest?.released_at ?? ""));
    // Nowhere on the page: an ISO time or a status as the YAML writes it.
    const visible = String(await page.evaluate("document.body.innerText"));
    expect(visible).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    for (const status of STATUSES.filter((each) => each.includes("_") || each === "deprecated")) {
      expect(visible).not.toContain(status);
    }
    await page.close();
  });

  it("issue 11 item 12: every release has an expandable changelog, the latest stable's open", async () => {
    const page = await openPage(examplePage());
    const published = await publishedReleases(page, exampleBase());
    for (const release of published) {
      const details = page.locator(`tbody[id="v${release.version}"] details.changelog`);
      await expect(details.count()).resolves.toBe(1);
      const open = release.version === "1.2.0";
      await expect(details.evaluate((element) => (element as unknown as { open: boolean }).open)).resolves.toBe(open);
      const firstLine = details.locator("p, li").first();
      await expect(firstLine.isVisible()).resolves.toBe(open);
      if (!open) {
        await details.locator("summary").click();
        await expect(firstLine.isVisible()).resolves.toBe(true);
      }
    }
    await page.close();
  });

  it("issue 11 item 12: a sha256 is shortened in its row, not wrapping it, and stays whole to copy", async () => {
    const page = await openPage(examplePage());
    for (const release of await publishedReleases(page, exampleBase())) {
      const row = page.locator(`tbody[id="v${release.version}"] > tr`).first();
      const hash = row.locator("code.hash");
      await expect(hash.textContent()).resolves.toBe(release.sha256);
      await expect(hash.getAttribute("title")).resolves.toBe(release.sha256);
      const { clientWidth, scrollWidth, height, lineHeight } = await hash.evaluate((element) => {
        const code = element as unknown as {
          clientWidth: number;
          scrollWidth: number;
          getBoundingClientRect(): { height: number };
        };
        const style = (
          globalThis as unknown as { getComputedStyle(e: unknown): { lineHeight: string } }
        ).getComputedStyle(element);
        return {
          clientWidth: code.clientWidth,
          scrollWidth: code.scrollWidth,
          height: code.getBoundingClientRect().height,
          lineHeight: Number.parseFloat(style.lineHeight),
        };
      });
      expect(clientWidth, "shown shortened").toBeLessThan(scrollWidth);
      expect(height, "one line").toBeLessThan(lineHeight * 1.5);
      // The row: version, status, date, size, requirements and files in at most three lines.
      const rowHeight = (await row.boundingBox())?.height ?? 0;
      expect(rowHeight, release.version).toBeLessThan(lineHeight * 4);
    }
    await page.close();
  });

  it("issue 11 item 12: the .sig, .sha256 and public key links resolve, and the signatures verify with that key", async () => {
    const page = await openPage(examplePage());
    const feed = await fetchJson<FeedDocument>(page, `${exampleBase()}/feed.json`);
    const keyLinks = page.locator("a.public-key");
    await expect(keyLinks.count()).resolves.toBe(feed.keys.length);
    const publicKeys: string[] = [];
    for (const link of await keyLinks.all()) {
      const response = await page.request.get(new URL(String(await link.getAttribute("href")), page.url()).href);
      expect(response.status()).toBe(200);
      const publicKey = (await response.text()).trim();
      expect(feed.keys.map((key) => key.public_key)).toContain(publicKey);
      await expect(textOf(link)).resolves.toBe(feed.keys.find((key) => key.public_key === publicKey)?.id);
      publicKeys.push(publicKey);
    }
    for (const release of await publishedReleases(page, exampleBase())) {
      const row = page.locator(`tbody[id="v${release.version}"]`);
      const url = async (selector: string) =>
        new URL(String(await row.locator(selector).getAttribute("href")), page.url()).href;
      const zip = await page.request.get(await url("a.zip"));
      const checksum = await page.request.get(await url("a.sha256"));
      const signature = await page.request.get(await url("a.sig"));
      for (const response of [zip, checksum, signature]) expect(response.status(), response.url()).toBe(200);
      expect(await checksum.text()).toBe(`${release.sha256}  ${release.file}\n`);
      const bytes = await zip.body();
      const lines = (await signature.text()).trim().split("\n");
      expect(
        lines.some((line) => publicKeys.some((key) => verifyFileSignature(bytes, line, key))),
        release.version,
      ).toBe(true);
    }
    for (const selector of [".download a[href$='.sig']", ".download a[href$='.sha256']"]) {
      const href = new URL(String(await page.locator(selector).getAttribute("href")), page.url()).href;
      expect((await page.request.get(href)).status(), href).toBe(200);
    }
    await page.close();
  });

  it("issue 11 item 12: no page is wider than the screen at 1280 and 390 px; phones get one card per release", async () => {
    const pages = [
      ["index", `${exampleBase()}/`],
      ["plugin", examplePage()],
      ["scratch-plugin", `${origin}/scratch/plugins/demo/`],
      ["inactive-plugin", `${origin}/inactive/plugins/demo/`],
    ] as const;
    for (const viewport of WIDTHS) {
      for (const [name, url] of pages) {
        const page = await openPage(url, viewport);
        const { scrollWidth, innerWidth } = (await page.evaluate(
          "({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth })",
        )) as { scrollWidth: number; innerWidth: number };
        expect(innerWidth).toBe(viewport.width);
        expect(scrollWidth, `${name} at ${viewport.width} px`).toBeLessThanOrEqual(innerWidth);
        if (name === "plugin") {
          // Every release's own box stays inside the screen too (nothing clipped by overflow).
          for (const box of await Promise.all((await page.locator("tbody.release").all()).map((b) => b.boundingBox())))
            expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(viewport.width);
          const layout = await page.evaluate(
            `getComputedStyle(document.querySelector("tbody.release")).display + " " +
             (document.querySelector("table.releases thead").getBoundingClientRect().height > 1 ? "header" : "no header")`,
          );
          expect(layout).toBe(viewport.name === "phone" ? "block no header" : "table-row-group header");
        }
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${viewport.width}.png`), fullPage: true });
        await page.close();
      }
    }
  });

  it("issue 11 item 12: the pages work without JavaScript and load nothing from another origin", async () => {
    if (!browser) throw new Error("no browser");
    const noScript = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
    watch(noScript);
    try {
      const page = await noScript.newPage();
      expect((await page.goto(examplePage()))?.status()).toBe(200);
      const [download] = await Promise.all([page.waitForEvent("download"), page.locator("a#download").click()]);
      expect(download.suggestedFilename()).toBe(`${SLUG}-v1.2.0.zip`);
      const details = page.locator('tbody[id="v1.1.1"] details.changelog');
      await details.locator("summary").click();
      await expect(details.locator("p, li").first().isVisible()).resolves.toBe(true);

      // The scratch plugin names an icon on another origin: info.json carries it, the page does not load it.
      const scratch = await noScript.newPage();
      expect((await scratch.goto(`${origin}/scratch/plugins/demo/`))?.status()).toBe(200);
      const info = await fetchJson<InfoDocument>(scratch, `${origin}/scratch/plugins/demo/info.json`);
      expect(info.icons?.["1x"]).toBe(FOREIGN_ICON);
      await expect(scratch.locator(`img[src="${FOREIGN_ICON}"]`).count()).resolves.toBe(0);
    } finally {
      await noScript.close();
    }
  });

  it("issue 11 item 13: an inactive plugin's pages say it is not available and offer nothing to download", async () => {
    const page = await openPage(`${origin}/inactive/plugins/demo/`);
    await expect(textOf(page.locator("#inactive"))).resolves.toContain("This plugin is no longer available.");
    await expect(page.locator("a#download").count()).resolves.toBe(0);
    await expect(page.locator("a[href$='.zip']").count()).resolves.toBe(0);
    const releases = await fetchJson<ReleasesDocument>(page, `${origin}/inactive/plugins/demo/releases.json`);
    expect(releases.releases.length).toBeGreaterThan(0);
    for (const release of releases.releases) {
      await expect(textOf(page.locator(`tbody[id="v${release.version}"] td.files`))).resolves.toBe(
        "Not downloadable: this plugin is no longer available.",
      );
    }
    const index = await openPage(`${origin}/inactive/`);
    await expect(textOf(index.locator("li#plugin-demo .versions"))).resolves.toBe("No longer available");
    await page.close();
    await index.close();
  });

  it("loaded nothing from outside the local server and raised no page or console errors", () => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
