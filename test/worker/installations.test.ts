import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ApiErrorCode } from "../../scripts/contract/index.ts";
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
