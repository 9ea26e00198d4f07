/**
 * Simulated sites for the release health tests: a few hundred sites of the example plugin
 * (igny8-wp-bridge) over simulated days against `npm run dev -- --dev-clock`, each day set with
 * X-Feedwright-Now. Every site registers on its day, reports health on each later day, and
 * updates to the latest release on a day of its own, downloading it as an automatic update or by
 * hand; people download from a browser too. Alongside, the figures each day must end with,
 * worked out here from what was sent (not read back from the Worker).
 */
import { generateApiKey } from "../../scripts/sites.ts";

export const SIMULATED_SLUG = "igny8-wp-bridge";
export const LATEST = "1.2.0";
const OLD_VERSIONS = ["1.1.0", "1.1.1", "1.0.0"] as const;
const WP = ["6.5.5", "6.6.2", "6.7"] as const;
const PHP = ["8.1.2", "8.2.20", "8.3.7", "7.4.33"] as const;

export interface SimulatedSite {
  site_id: string;
  api_key: string;
  slug: string;
  index: number;
}

export interface ExpectedDay {
  day: string;
  installations: number;
  versions: Record<string, number>;
  health: Record<string, number>;
  health_by_version: Record<string, Record<string, number>>;
  wp_versions: Record<string, number>;
  php_versions: Record<string, number>;
  registrations: number;
  downloads: { total: number; by_kind: Record<string, number>; by_version: Record<string, number> };
}

export function simulatedSites(count: number): SimulatedSite[] {
  return Array.from({ length: count }, (_, index) => ({
    site_id: `sim-${index}`,
    api_key: generateApiKey(),
    slug: SIMULATED_SLUG,
    index,
  }));
}

export function dayAfter(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The plan of one site: its registration day (0-based), the day it updates, whether it reports errors. */
function planOf(index: number, count: number, days: number) {
  const perDay = Math.ceil(count / (days - 1));
  const registered = Math.floor(index / perDay);
  return {
    registered,
    updates: registered + 1 + (index % 4),
    kind: index % 3 === 0 ? "manual" : "auto_update",
    errorFrom: index % 10 === 7 ? registered + 2 : Number.POSITIVE_INFINITY,
    version: OLD_VERSIONS[index % OLD_VERSIONS.length] as string,
    wp: WP[index % WP.length] as string,
    php: PHP[index % PHP.length] as string,
  };
}

const minor = (version: string) => version.split(".").slice(0, 2).join(".");

/** Run `days` simulated days from `firstDay` against `base`; returns what every day must show. */
export async function simulate(
  base: string,
  sites: SimulatedSite[],
  firstDay: string,
  days: number,
  concurrency = 12,
): Promise<{ expected: ExpectedDay[]; requests: number }> {
  let requests = 0;
  const send = async (day: string, path: string, init: RequestInit = {}, expectedStatus = 200) => {
    const headers = new Headers(init.headers);
    headers.set("x-feedwright-now", `${day}T10:00:00Z`);
    const response = await fetch(`${base}${path}`, { ...init, headers });
    requests += 1;
    const text = await response.text();
    if (response.status !== expectedStatus) throw new Error(`${path} on ${day}: ${response.status} ${text}`);
  };
  const post = (day: string, site: SimulatedSite, action: string, body: object, status: number) =>
    send(
      day,
      `/api/plugins/${SIMULATED_SLUG}/${action}/`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Api-Key ${site.api_key}` },
        body: JSON.stringify({ site_id: site.site_id, ...body }),
      },
      status,
    );
  const state = new Map<number, { version: string; health: string; wp: string; php: string }>();
  const expected: ExpectedDay[] = [];
  for (let d = 0; d < days; d++) {
    const day = dayAfter(firstDay, d);
    const tasks: (() => Promise<void>)[] = [];
    let registrations = 0;
    const downloads: { version: string; kind: string }[] = [];
    for (const site of sites) {
      const plan = planOf(site.index, sites.length, days);
      if (d < plan.registered) continue;
      if (d === plan.registered) {
        registrations += 1;
        state.set(site.index, { version: plan.version, health: "outdated", wp: plan.wp, php: plan.php });
        tasks.push(() =>
          post(day, site, "register", { version: plan.version, wp_version: plan.wp, php_version: plan.php }, 201),
        );
        continue;
      }
      const updating = d === plan.updates;
      const version = d >= plan.updates ? LATEST : plan.version;
      const status = d >= plan.errorFrom ? "error" : "active";
      const health = status === "error" ? "error" : version === LATEST ? "healthy" : "outdated";
      state.set(site.index, { version, health, wp: plan.wp, php: plan.php });
      if (updating) downloads.push({ version: LATEST, kind: plan.kind });
      tasks.push(async () => {
        if (updating) {
          await send(day, `/api/plugins/${SIMULATED_SLUG}/download/?version=${LATEST}&kind=${plan.kind}`, {
            headers: { "user-agent": `WordPress/${plan.wp}; https://${site.site_id}.example` },
          });
        }
        await post(day, site, "health-check", { version, status }, 200);
      });
    }
    // People downloading from a browser: no kind said, a browser's user agent, so manual.
    for (let person = 0; person < d + 1; person++) {
      downloads.push({ version: "1.1.1", kind: "manual" });
      tasks.push(() =>
        send(day, `/api/plugins/${SIMULATED_SLUG}/download/?version=1.1.1`, {
          headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" },
        }),
      );
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < tasks.length) {
          const task = tasks[next++];
          await task?.();
        }
      }),
    );
    expected.push(expectedDay(day, [...state.values()], registrations, downloads));
  }
  return { expected, requests };
}

function expectedDay(
  day: string,
  sites: { version: string; health: string; wp: string; php: string }[],
  registrations: number,
  downloads: { version: string; kind: string }[],
): ExpectedDay {
  const bump = (counts: Record<string, number>, name: string, by = 1) => {
    counts[name] = (counts[name] ?? 0) + by;
  };
  const versions: Record<string, number> = {};
  const health: Record<string, number> = { healthy: 0, outdated: 0, error: 0 };
  const byVersion: Record<string, Record<string, number>> = {};
  const wp: Record<string, number> = {};
  const php: Record<string, number> = {};
  for (const site of sites) {
    bump(versions, site.version);
    bump(health, site.health);
    byVersion[site.version] ??= { healthy: 0, outdated: 0, error: 0 };
    bump(byVersion[site.version] as Record<string, number>, site.health);
    bump(wp, minor(site.wp));
    bump(php, minor(site.php));
  }
  const byKind: Record<string, number> = { auto_update: 0, manual: 0 };
  const downloadsByVersion: Record<string, number> = {};
  for (const download of downloads) {
    bump(byKind, download.kind);
    bump(downloadsByVersion, download.version);
  }
  return {
    day,
    installations: sites.length,
    versions,
    health,
    health_by_version: byVersion,
    wp_versions: wp,
    php_versions: php,
    registrations,
    downloads: { total: downloads.length, by_kind: byKind, by_version: downloadsByVersion },
  };
}
