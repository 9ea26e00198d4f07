/**
 * Release health history in the plugin's Durable Object, over simulated days: the Worker is
 * called with the FEEDWRIGHT_DEV_CLOCK binding on and X-Feedwright-Now set, as
 * `npm run dev -- --dev-clock` does. Storage is isolated per test file, and time in the history
 * only moves forward, so the days here run in order in one file of their own.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker, { type Env } from "../../worker/src/index.ts";
import { expectJsonError, issueApiKey, ORIGIN } from "./helpers.ts";

const devEnv = { ...(env as Env), FEEDWRIGHT_DEV_CLOCK: "1" } as Env;
let address = 0;

async function at(
  day: string,
  pathAndQuery: string,
  init: RequestInit & { ip?: string; body?: string } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("x-feedwright-now", `${day}T12:00:00Z`);
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", init.ip ?? `10.7.0.${address++ % 250}`);
  const context = createExecutionContext();
  const request = new Request(`${ORIGIN}${pathAndQuery}`, { ...init, headers }) as Request<
    unknown,
    IncomingRequestCfProperties
  >;
  const response = await worker.fetch(request, devEnv, context);
  await waitOnExecutionContext(context);
  return response;
}

const keys = new Map<string, string>();
async function report(day: string, action: "register" | "health-check", body: Record<string, string>) {
  const siteId = body.site_id ?? "";
  if (!keys.has(siteId)) keys.set(siteId, await issueApiKey(siteId));
  const response = await at(day, `/api/plugins/demo/${action}/`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Api-Key ${keys.get(siteId)}` },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(action === "register" ? 201 : 200);
}

async function download(day: string, pathAndQuery: string, headers: Record<string, string> = {}) {
  const response = await at(day, pathAndQuery, { headers });
  expect(response.status, pathAndQuery).toBe(200);
  await response.arrayBuffer();
}

const admin = { authorization: "Bearer test-admin-token" };
interface Day {
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

async function history(today: string, from: string, to: string): Promise<Day[]> {
  const response = await at(today, `/api/plugins/demo/stats/?from=${from}&to=${to}`, { headers: admin });
  expect(response.status).toBe(200);
  return ((await response.json()) as { history: { days: Day[] } }).history.days;
}

const none = { healthy: 0, outdated: 0, error: 0 };

describe("issue 14 item 1: history", () => {
  it("issue 14 item 1: keeps exact daily figures per plugin, carries quiet days and drops sites not seen for the TTL", async () => {
    // Day 1: three sites register, three downloads of two kinds.
    await report("2026-03-01", "register", {
      site_id: "a",
      version: "1.2.0",
      wp_version: "6.7.1",
      php_version: "8.3.4",
    });
    await report("2026-03-01", "register", { site_id: "b", version: "1.4.0", wp_version: "6.7.2", php_version: "8.3" });
    await report("2026-03-01", "register", { site_id: "c", version: "1.4.0", wp_version: "6.8", php_version: "8.4.1" });
    await download("2026-03-01", "/api/plugins/demo/download/?version=1.4.0&kind=auto_update");
    await download("2026-03-01", "/api/plugins/demo/download/?version=1.4.0&kind=auto_update");
    await download("2026-03-01", "/plugins/demo/demo-v1.2.0.zip?kind=manual", {
      "cf-connecting-ip": "203.0.113.77",
      "user-agent": "Mozilla/5.0 (test browser)",
    });
    // Day 2: a updates, c reports an error, d registers, one manual download.
    await report("2026-03-02", "health-check", { site_id: "a", version: "1.4.0", status: "active" });
    await report("2026-03-02", "health-check", { site_id: "c", version: "1.4.0", status: "error" });
    await report("2026-03-02", "register", { site_id: "d", version: "1.4.0", php_version: "8.3.1" });
    await download("2026-03-02", "/api/plugins/demo/download/?version=1.4.0&kind=manual", {
      "cf-connecting-ip": "2001:db8:abcd:12::1",
    });
    // Day 3 is quiet; the figures are read on day 4.
    const days = await history("2026-03-04", "2026-03-01", "2026-03-04");
    expect(days.map((day) => day.day)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]);
    expect(days[0]).toEqual({
      day: "2026-03-01",
      installations: 3,
      versions: { "1.2.0": 1, "1.4.0": 2 },
      health: { healthy: 2, outdated: 1, error: 0 },
      health_by_version: { "1.2.0": { ...none, outdated: 1 }, "1.4.0": { ...none, healthy: 2 } },
      wp_versions: { "6.7": 2, "6.8": 1 },
      php_versions: { "8.3": 2, "8.4": 1 },
      registrations: 3,
      downloads: {
        total: 3,
        by_kind: { auto_update: 2, manual: 1 },
        by_version: { "1.4.0": 2, "1.2.0": 1 },
        by_version_and_kind: { "1.4.0": { auto_update: 2, manual: 0 }, "1.2.0": { auto_update: 0, manual: 1 } },
      },
    });
    const dayTwo = {
      installations: 4,
      versions: { "1.4.0": 4 },
      health: { healthy: 3, outdated: 0, error: 1 },
      health_by_version: { "1.4.0": { healthy: 3, outdated: 0, error: 1 } },
      wp_versions: { "6.7": 2, "6.8": 1, unknown: 1 },
      php_versions: { "8.3": 3, "8.4": 1 },
    };
    expect(days[1]).toMatchObject({ ...dayTwo, registrations: 1, downloads: { total: 1, by_kind: { manual: 1 } } });
    const quiet = { auto_update: 0, manual: 0 };
    for (const day of days.slice(2)) {
      expect(day).toEqual({
        day: day.day,
        ...dayTwo,
        registrations: 0,
        downloads: { total: 0, by_kind: quiet, by_version: {}, by_version_and_kind: {} },
      });
    }

    // The fresh figures: the same counts now, every download since the start, the newest records.
    const fresh = (await (await at("2026-03-04", "/api/plugins/demo/stats/", { headers: admin })).json()) as Record<
      string,
      never
    >;
    expect(fresh).toMatchObject({ slug: "demo", generated_at: "2026-03-04T12:00:00.000Z", ...dayTwo });
    expect(fresh.downloads).toMatchObject({ total: 4, by_kind: { auto_update: 2, manual: 2 } });
    expect(fresh.history).toBeUndefined();
    const records = fresh.recent_downloads as unknown as Record<string, string>[];
    expect(records).toHaveLength(4);
    expect(records[0]).toEqual({
      at: "2026-03-02T12:00:00.000Z",
      version: "1.4.0",
      kind: "manual",
      user_agent: null,
      address: "2001:db8:abcd::/48",
    });
    expect(records[1]).toEqual({
      at: "2026-03-01T12:00:00.000Z",
      version: "1.2.0",
      kind: "manual",
      user_agent: "Mozilla/5.0 (test browser)",
      address: "203.0.113.0/24",
    });

    // INSTALLATION_TTL_DAYS is 30: b (last seen March 1st) leaves on March 31st, the rest on April 1st.
    const later = await history("2026-04-01", "2026-03-30", "2026-04-01");
    expect(later.map((day) => [day.day, day.installations, day.versions])).toEqual([
      ["2026-03-30", 4, { "1.4.0": 4 }],
      ["2026-03-31", 3, { "1.4.0": 3 }],
      ["2026-04-01", 0, {}],
    ]);
    // A site coming back counts again, but not as a new registration (its record says when it registered).
    await report("2026-04-02", "health-check", { site_id: "a", version: "1.4.0", status: "active" });
    const back = await history("2026-04-02", "2026-04-02", "2026-04-02");
    expect(back[0]).toMatchObject({ installations: 1, registrations: 0, health: { ...none, healthy: 1 } });
  });

  it.each([
    ["from without to", "?from=2026-03-01"],
    ["a day that does not exist", "?from=2026-02-30&to=2026-03-01"],
    ["a day in another form", "?from=2026-3-1&to=2026-03-02"],
    ["from after to", "?from=2026-03-02&to=2026-03-01"],
    ["more than 366 days", "?from=2025-01-01&to=2026-03-01"],
    ["a start in the future", "?from=2027-01-01&to=2027-01-02"],
  ])("issue 14 item 1: refuses %s with a JSON 400", async (_name, query) => {
    await expectJsonError(
      await at("2026-04-02", `/api/plugins/demo/stats/${query}`, { headers: admin }),
      400,
      "invalid_field",
    );
  });

  it("issue 14 item 1: history needs the admin token like the fresh figures", async () => {
    await expectJsonError(
      await at("2026-04-02", "/api/plugins/demo/stats/?from=2026-03-01&to=2026-03-02"),
      401,
      "unauthorized",
    );
  });

  it("issue 14 item 1: refuses an X-Feedwright-Now (the simulated clock) that is not an ISO time", async () => {
    const response = await worker.fetch(
      new Request(`${ORIGIN}/api/plugins/demo/stats/`, { headers: { ...admin, "x-feedwright-now": "yesterday" } }),
      devEnv,
      createExecutionContext(),
    );
    await expectJsonError(response, 400, "invalid_field");
  });
});
