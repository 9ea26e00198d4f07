/**
 * The release health dashboard (dashboard/ of the published folder) in Debian's headless
 * chromium, against `npm run dev -- --dev-clock` filled with simulated sites over simulated
 * days: the numbers each chart draws are read from the page (Chart.js's own data, and the
 * table beside each chart) and compared with the figures worked out from what the sites sent.
 * No request may leave the local origin and no console error may appear. Screenshots at
 * desktop and phone widths go to test/.output/dashboard/ (git-ignored).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReleasesDocument } from "../scripts/contract/index.ts";
import { type DevWorker, startDevWorker } from "./support/dev-worker.ts";
import { runFeedwright } from "./support/run-cli.ts";
import {
  dayAfter,
  type ExpectedDay,
  LATEST,
  SIMULATED_SLUG,
  simulate,
  simulatedSites,
} from "./support/simulated-sites.ts";

// What the functions run inside the page see (this project's TypeScript has no DOM library).
// biome-ignore lint/suspicious/noExplicitAny: the page's own globals
declare const document: any;
// biome-ignore lint/suspicious/noExplicitAny: the page's own globals
declare const window: any;

const ROOT = path.resolve(import.meta.dirname, "..");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = path.join(ROOT, "test", ".output", "dashboard");
const ADMIN_TOKEN = `dash-${Math.random().toString(36).slice(2)}`;
const SITES = 200;
const DAYS = 6;
const TODAY = new Date().toISOString().slice(0, 10);
const FIRST_DAY = dayAfter(TODAY, -DAYS);
const HALT_REASON = "Support reports: Sync now times out on shared hosts";
const WIDTHS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

let work = "";
let server: DevWorker | null = null;
let browser: Browser | null = null;
let expected: ExpectedDay[] = [];
const foreignRequests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(chromiumPath))
    throw new Error(`No chromium at ${chromiumPath}: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  work = await mkdtemp(path.join(tmpdir(), "feedwright-dashboard-"));
  const sites = simulatedSites(SITES);
  const file = path.join(work, "sites.json");
  await writeFile(file, JSON.stringify(sites.map(({ site_id, api_key, slug }) => ({ site_id, api_key, slug }))));
  const imported = await runFeedwright(["sites", "import", file, "--persist-to", path.join(work, "state")], {
    cwd: ROOT,
  });
  expect(imported.code, imported.stderr).toBe(0);
  server = await startDevWorker({
    root: ROOT,
    out: path.join(work, "dist"),
    persistTo: path.join(work, "state"),
    adminToken: ADMIN_TOKEN,
    args: ["--dev-clock"],
  });
  expected = (await simulate(server.base, sites, FIRST_DAY, DAYS)).expected;
  // A person halts the latest release, as `feedwright rollout halt` does: the guard panel shows why.
  const halted = await runFeedwright(
    ["rollout", "halt", SIMULATED_SLUG, LATEST, "--url", server.base, "--reason", HALT_REASON],
    { cwd: ROOT, env: { ...process.env, ADMIN_TOKEN } },
  );
  expect(halted.code, halted.stderr).toBe(0);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  await mkdir(SCREENSHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function openDashboard(width: number, height: number): Promise<Page> {
  const context = await (browser as Browser).newContext({ viewport: { width, height } });
  const origin = server?.base ?? "";
  context.on("request", (request) => {
    if (!request.url().startsWith(`${origin}/`)) foreignRequests.push(request.url());
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(`console: ${message.text()}`);
  });
  await page.goto(`${origin}/dashboard/`);
  await page.fill("#token", ADMIN_TOKEN);
  // The example feed has more than one plugin: the simulated sites run this one.
  await page.selectOption("#slug", SIMULATED_SLUG);
  await page.fill("#from", FIRST_DAY);
  await page.fill("#to", TODAY);
  await page.click("button[type=submit]");
  await page.waitForSelector("#figures:not([hidden])");
  return page;
}

/** What Chart.js draws on a panel's canvas: its labels and each dataset's numbers. */
function chartData(page: Page, panel: string) {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`#${id} canvas`);
    // biome-ignore lint/suspicious/noExplicitAny: Chart.js's global, loaded by the page itself
    const chart = (globalThis as any).Chart.getChart(canvas);
    return {
      labels: chart.data.labels as string[],
      datasets: Object.fromEntries(
        (chart.data.datasets as { label: string; data: number[] }[]).map((set) => [set.label, set.data]),
      ),
      drawn: canvas.width > 0,
    };
  }, panel);
}

function tableRows(page: Page, panel: string): Promise<string[][]> {
  return page.$$eval(`#${panel} .numbers tr`, (rows) =>
    rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent ?? "")),
  );
}

describe("issue 14 item 3: the release health dashboard in a headless browser", () => {
  it("issue 14 item 3: draws adoption, health, downloads, rollout and deprecated versions with the right numbers", async () => {
    const page = await openDashboard(1280, 900);
    const last = expected.at(-1) as ExpectedDay;
    // History covers the simulated days and today (no reports today: the last day's figures carry on).
    const days = [...expected.map((day) => day.day), TODAY];
    const adoption = await chartData(page, "adoption");
    expect(adoption.labels).toEqual(days);
    expect(adoption.drawn).toBe(true);
    for (const version of Object.keys(last.versions)) {
      expect(adoption.datasets[version], version).toEqual([
        ...expected.map((day) => day.versions[version] ?? 0),
        last.versions[version],
      ]);
    }
    const health = await chartData(page, "health");
    for (const [index, version] of health.labels.entries()) {
      for (const state of ["healthy", "outdated", "error"]) {
        expect(health.datasets[state]?.[index], `${version} ${state}`).toBe(
          last.health_by_version[version]?.[state] ?? 0,
        );
      }
    }
    expect([...health.labels].sort()).toEqual(Object.keys(last.health_by_version).sort());
    const downloads = await chartData(page, "downloads");
    expect(downloads.datasets.auto_update).toEqual([...expected.map((day) => day.downloads.by_kind.auto_update), 0]);
    expect(downloads.datasets.manual).toEqual([...expected.map((day) => day.downloads.by_kind.manual), 0]);
    expect((await tableRows(page, "downloads")).slice(1)).toEqual(
      [...expected, { day: TODAY, downloads: { by_kind: { auto_update: 0, manual: 0 } } }].map((day) => [
        day.day,
        String(day.downloads.by_kind.auto_update),
        String(day.downloads.by_kind.manual),
      ]),
    );

    const releases = (await (
      await fetch(`${server?.base}/plugins/${SIMULATED_SLUG}/releases.json`)
    ).json()) as ReleasesDocument;
    const target = releases.releases.find((release) => release.version === LATEST)?.rollout;
    const onLatest = last.versions[LATEST] ?? 0;
    const share = Math.round((onLatest / SITES) * 1000) / 10;
    expect((await tableRows(page, "rollout"))[1]).toEqual([LATEST, String(onLatest), String(share), String(target)]);
    expect((await chartData(page, "rollout")).datasets["sites on it (%)"]).toEqual([share]);
    const deprecated = releases.releases.filter((release) => release.status === "deprecated").map((r) => r.version);
    expect(deprecated.length).toBeGreaterThan(0);
    expect((await tableRows(page, "deprecated")).slice(1)).toEqual(
      deprecated.map((version) => [version, String(last.versions[version] ?? 0)]),
    );
    expect(await page.$eval("[data-figure=sites] strong", (element) => element.textContent)).toBe(String(SITES));
    await page.context().close();
  });

  it("issue 14 item 4: the rollout guard panel shows a halted release, who halted it and why", async () => {
    const page = await openDashboard(1280, 900);
    expect(await page.textContent("#guard-state")).toContain(`Halted: ${LATEST}.`);
    const rows = await tableRows(page, "guard");
    expect(rows[0]).toEqual(["version", "rollout %", "state", "sites on it", "errors", "compared with", "why"]);
    const row = rows.find((cells) => cells[0] === LATEST);
    expect(row?.slice(0, 3)).toEqual([LATEST, "100", "halted (by manual)"]);
    expect(row?.[6]).toBe(HALT_REASON);
    expect((await chartData(page, "guard")).labels).toContain(LATEST);
    await page.context().close();
  });

  it("issue 14 item 3: says what the Worker refused, without a console error", async () => {
    const context = await (browser as Browser).newContext();
    const page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error" && !message.text().includes("403")) pageErrors.push(message.text());
    });
    await page.goto(`${server?.base}/dashboard/`);
    await page.fill("#token", "wrong-token");
    await page.click("button[type=submit]");
    await expect.poll(() => page.textContent("#status")).toContain("The Worker answered 403: wrong admin token");
    expect(await page.isHidden("#figures")).toBe(true);
    await context.close();
  });

  it.each(WIDTHS)(
    "issue 14 item 3: is readable at $name width ($width px), screenshot saved",
    async ({ name, width, height }) => {
      const page = await openDashboard(width, height);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, "no sideways scrolling").toBeLessThanOrEqual(0);
      const file = path.join(SCREENSHOTS, `dashboard-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`issue 14 item 3: screenshot ${path.relative(ROOT, file)}`);
      await page.context().close();
    },
  );

  it("issue 14 item 3: loaded nothing from another origin and logged no error", () => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
