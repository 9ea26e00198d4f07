import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type ApiErrorCode, rolloutBucket, rolloutSiteKey } from "../../scripts/contract/index.ts";
import type { InstallationMetadata } from "../../worker/src/installations.ts";
import { call, expectJsonError, issueApiKey, postJson } from "./helpers.ts";

const register = (key: string, body: unknown) =>
  postJson("/api/plugins/demo/register/", body, { authorization: `Api-Key ${key}` });
const healthCheck = (key: string, body: unknown) =>
  postJson("/api/plugins/demo/health-check/", body, { authorization: `Api-Key ${key}` });

async function installation(siteId: string) {
  return env.INSTALLATIONS.getWithMetadata<InstallationMetadata>(`site:demo:${siteId}`);
}

describe("register and health-check", () => {
  it("records an installation in one KV key with its figures in the metadata", async () => {
    const key = await issueApiKey("123");
    const response = await register(key, { site_id: 123, version: "1.1.0", wp_version: "6.7", php_version: "8.2" });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      registered: true,
      site_id: "123",
      health: "outdated",
      updated: true,
    });
    const stored = await installation("123");
    expect(stored.value).toBe("");
    expect(stored.metadata).toMatchObject({ v: "1.1.0", wp: "6.7", php: "8.2", h: "outdated" });
    expect(JSON.stringify(stored.metadata).length).toBeLessThan(1024);
  });

  it("does not rewrite an unchanged record, and rewrites a changed one", async () => {
    const key = await issueApiKey("site-unchanged");
    const body = { site_id: "site-unchanged", version: "1.4.0", status: "active", last_sync: "2026-01-09T12:00:00Z" };
    expect(await (await healthCheck(key, body)).json()).toMatchObject({ health: "healthy", updated: true });
    expect(await (await healthCheck(key, body)).json()).toMatchObject({ health: "healthy", updated: false });
    expect(await (await healthCheck(key, { ...body, status: "error" })).json()).toMatchObject({
      health: "error",
      updated: true,
    });
    expect((await installation("site-unchanged")).metadata?.h).toBe("error");
  });

  it.each<[string, Record<string, string>, number, ApiErrorCode]>([
    ["no Authorization header", {}, 401, "unauthorized"],
    ["an unknown key", { authorization: "Api-Key not-a-real-key-123" }, 401, "unauthorized"],
    ["another scheme", { authorization: "Bearer whatever-token" }, 401, "unauthorized"],
  ])("refuses %s", async (_name, headers, status, code) => {
    const response = await postJson("/api/plugins/demo/register/", { site_id: "x", version: "1.0.0" }, headers);
    await expectJsonError(response, status, code);
  });

  it("refuses a key used for another site or another plugin", async () => {
    const key = await issueApiKey("owner");
    await expectJsonError(await register(key, { site_id: "someone-else", version: "1.0.0" }), 403, "forbidden");
    const otherPlugin = await issueApiKey("owner-2", "secret");
    await expectJsonError(await register(otherPlugin, { site_id: "owner-2", version: "1.0.0" }), 401, "unauthorized");
    expect((await installation("someone-else")).metadata).toBeNull();
  });

  it.each<[string, Record<string, unknown>, number, ApiErrorCode]>([
    ["no site_id", { version: "1.0.0" }, 400, "invalid_field"],
    ["a site_id of the wrong type", { site_id: { id: 1 }, version: "1.0.0" }, 400, "invalid_field"],
    ["a version that is not one", { site_id: "typed", version: "one point oh" }, 400, "invalid_field"],
    ["a version of the wrong type", { site_id: "typed", version: [1, 0] }, 400, "invalid_field"],
  ])("refuses %s", async (_name, body, status, code) => {
    const key = await issueApiKey("typed");
    await expectJsonError(await register(key, body), status, code);
  });

  it("needs a status in a health check, and refuses GET", async () => {
    const key = await issueApiKey("no-status");
    await expectJsonError(await healthCheck(key, { site_id: "no-status", version: "1.0.0" }), 400, "invalid_field");
    await expectJsonError(await call("/api/plugins/demo/health-check/"), 405, "method_not_allowed");
  });

  it("limits one site's calls and answers 429 with Retry-After", async () => {
    const key = await issueApiKey("chatty");
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let attempt = 0; attempt < 8; attempt++) {
      const response = await healthCheck(key, { site_id: "chatty", version: "1.4.0", status: "active" });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect(limited?.headers.get("retry-after")).toBe("60");
    if (limited) await expectJsonError(limited, 429, "rate_limited");
  });

  it("limits one address and answers 429 with Retry-After", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 22; attempt++) {
      const response = await call("/api/plugins/demo/info/", { ip: "192.0.2.77" });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});

describe("issue 11 item 7: a site is outdated only when it would be offered an update", () => {
  /** A site id inside (or outside) 1.3.0's 30% rollout of the demo plugin. */
  async function rolloutId(inside: boolean, label: string): Promise<string> {
    for (let n = 0; n < 1000; n++) {
      const id = `rollout-${label}-${n}`;
      if ((await rolloutBucket("demo", "1.3.0", rolloutSiteKey({ siteId: id }))) < 30 === inside) return id;
    }
    throw new Error("no site id found");
  }
  const judged = async (siteId: string, body: Record<string, unknown>) => {
    const key = await issueApiKey(siteId);
    const response = await register(key, { site_id: siteId, ...body });
    expect(response.status).toBe(201);
    const answer = (await response.json()) as { health: string };
    expect((await installation(siteId)).metadata?.h).toBe(answer.health);
    return answer.health;
  };

  it("counts a site on the newest release its PHP can run as healthy, one whose PHP can run a newer as outdated", async () => {
    // 1.4.0, the latest stable, needs PHP 8.3.
    expect(await judged("php-82", { version: "1.3.0", php_version: "8.2.10", wp_version: "6.7" })).toBe("healthy");
    expect(await judged("php-83", { version: "1.3.0", php_version: "8.3.0", wp_version: "6.7" })).toBe("outdated");
    // A site that does not say its PHP is held back by nothing, as check-update decides.
    expect(await judged("php-unknown", { version: "1.3.0" })).toBe("outdated");
  });

  it("judges by the site's rollout id and channel, as check-update would offer", async () => {
    const outside = await rolloutId(false, "out");
    const inside = await rolloutId(true, "in");
    // On 1.2.0 with PHP 8.2: only 1.3.0 (30% rollout) is newer and runnable.
    const onTwelve = { version: "1.2.0", php_version: "8.2.0" };
    expect(await judged("site-outside", { ...onTwelve, rollout_id: outside })).toBe("healthy");
    expect(await judged("site-inside", { ...onTwelve, rollout_id: inside })).toBe("outdated");
    // Without a rollout id the site id places it.
    expect(await judged(outside, onTwelve)).toBe("healthy");
    // The beta channel sees 2.0.0-beta.1 above the latest stable.
    const onLatest = { version: "1.4.0", php_version: "8.3.1" };
    expect(await judged("stable-site", { ...onLatest, channel: "stable" })).toBe("healthy");
    expect(await judged("beta-site", { ...onLatest, channel: "beta" })).toBe("outdated");
    expect((await installation("beta-site")).metadata).toMatchObject({ c: "beta", ro: null });
    expect((await installation("site-inside")).metadata).toMatchObject({ c: "stable", ro: inside });
  });

  it("refuses a channel that is not one", async () => {
    const key = await issueApiKey("odd-channel");
    await expectJsonError(
      await register(key, { site_id: "odd-channel", version: "1.0.0", channel: "nightly" }),
      400,
      "invalid_field",
    );
  });

  it("stats judge every site again against the releases published now", async () => {
    // A record written when 1.1.0 was the newest, still saying healthy: outdated now.
    const stale: InstallationMetadata = {
      v: "1.1.0",
      wp: "6.7",
      php: "8.2",
      h: "healthy",
      r: "2026-01-01",
      s: "2026-01-01",
      x: 0,
    };
    await env.INSTALLATIONS.put("site:demo:stale-record", "", { metadata: stale });
    const response = await call("/api/plugins/demo/stats/?refresh=1", {
      headers: { authorization: "Bearer test-admin-token" },
    });
    const stats = ((await response.json()) as { census: { health: Record<string, number> } }).census;
    // Every other record was judged when it reported, against these same releases.
    const expected: Record<string, number> = { healthy: 0, outdated: 0, error: 0 };
    for (const entry of (await env.INSTALLATIONS.list<InstallationMetadata>({ prefix: "site:demo:" })).keys) {
      const health = entry.name === "site:demo:stale-record" ? "outdated" : (entry.metadata?.h ?? "unknown");
      expected[health] = (expected[health] ?? 0) + 1;
    }
    expect(expected.healthy).toBeGreaterThanOrEqual(3);
    expect(stats.health).toEqual(expected);
  });
});
