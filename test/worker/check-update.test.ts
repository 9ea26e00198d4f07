import { describe, expect, it } from "vitest";
import { type ApiErrorCode, rolloutBucket } from "../../scripts/contract/index.ts";
import { CHECK_UPDATE_FIELDS } from "../support/original-shapes.ts";
import { call, expectJsonError, postJson } from "./helpers.ts";

// The fixture feed (fixture-feed.ts): 1.0.0 deprecated, 1.1.0 released, 1.2.0 released with
// force_update, 1.3.0 update_ready at 30% rollout, 1.4.0 released needing PHP 8.3,
// 2.0.0-beta.1 testing, 2.1.0 draft.
async function siteWithBucket(inside: boolean): Promise<string> {
  for (let index = 0; ; index++) {
    const site = `site-${index}`;
    if ((await rolloutBucket("demo", "1.3.0", `site:${site}`)) < 30 === inside) return site;
  }
}

async function checkUpdate(query: string) {
  const response = await call(`/api/plugins/demo/check-update/?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("check-update", () => {
  it("issue 11 item 13: offers nothing for an inactive plugin, whatever the site runs", async () => {
    for (const query of ["current_version=0.9.0", "current_version=0.9.0&channel=beta&site_id=a"]) {
      const response = await call(`/api/plugins/gone/check-update/?${query}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        update_available: false,
        latest_version: null,
        download_url: null,
        autoupdate: false,
        force_update: false,
      });
    }
  });

  it("answers in the original service's shape", async () => {
    const body = await checkUpdate("current_version=1.1.0&php_version=8.3");
    expect(Object.keys(body).slice(0, 9)).toEqual([...CHECK_UPDATE_FIELDS]);
    expect(body).toMatchObject({
      update_available: true,
      current_version: "1.1.0",
      latest_version: "1.4.0",
      latest_version_code: 10400,
      download_url: "https://feed.example/api/plugins/demo/download/?version=1.4.0",
      changelog: "Changes in 1.4.0.",
      info_url: "https://feed.example/api/plugins/demo/info/",
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
      channel: "stable",
    });
  });

  it.each([
    [
      "a security release between the site and the offer forces the update",
      "current_version=1.1.0&php_version=8.3",
      { latest_version: "1.4.0", force_update: true, autoupdate: true },
    ],
    [
      "past the security release, a plain release is a manual update",
      "current_version=1.2.0&php_version=8.3",
      { latest_version: "1.4.0", force_update: false, autoupdate: false },
    ],
    ["a site on the latest is told so", "current_version=1.4.0", { update_available: false, latest_version: "1.4.0" }],
    ["a site ahead of the feed is never offered a downgrade", "current_version=9.0.0", { update_available: false }],
    ["a two-part WordPress-style version is understood", "current_version=1.4", { update_available: false }],
    [
      "the beta channel gets the newest of beta and stable",
      "current_version=1.4.0&channel=beta&php_version=8.3",
      { latest_version: "2.0.0-beta.1", channel: "beta" },
    ],
    [
      "the stable channel never sees a beta or a draft",
      "current_version=1.4.0&channel=stable",
      { update_available: false, latest_version: "1.4.0" },
    ],
  ])("%s", async (_name, query, expected) => {
    expect(await checkUpdate(query)).toMatchObject(expected);
  });

  it("offers a PHP 7.4 site the newest release it can run", async () => {
    const outside = await siteWithBucket(false);
    expect(await checkUpdate(`current_version=1.1.0&php_version=7.4&site_id=${outside}`)).toMatchObject({
      update_available: true,
      latest_version: "1.2.0",
      force_update: true,
    });
  });

  it("keeps a site in or out of a partial rollout by its id", async () => {
    const inside = await siteWithBucket(true);
    const outside = await siteWithBucket(false);
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await checkUpdate(`current_version=1.2.0&php_version=7.4&site_id=${inside}`)).latest_version).toBe(
        "1.3.0",
      );
      expect(await checkUpdate(`current_version=1.2.0&php_version=7.4&site_id=${outside}`)).toMatchObject({
        update_available: false,
      });
    }
    expect(await checkUpdate(`current_version=1.2.0&php_version=7.4&site_id=${inside}`)).toMatchObject({
      autoupdate: true,
    });
  });

  it("tells a site on a deprecated release why", async () => {
    expect(await checkUpdate("current_version=1.0.0&php_version=8.3")).toMatchObject({
      update_available: true,
      current_deprecated: true,
      deprecation_reason: "Broke sites with old site ids.",
    });
  });

  it("answers POST with a JSON or form body, and without the trailing slash", async () => {
    const expected = await checkUpdate("current_version=1.1.0&php_version=8.3");
    const json = await postJson("/api/plugins/demo/check-update/", { current_version: "1.1.0", php_version: "8.3" });
    expect(await json.json()).toEqual(expected);
    const form = await call("/api/plugins/demo/check-update", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "current_version=1.1.0&php_version=8.3",
    });
    expect(await form.json()).toEqual(expected);
  });

  it.each<[string, string, number, ApiErrorCode]>([
    ["no current_version", "/api/plugins/demo/check-update/", 400, "invalid_field"],
    [
      "a current_version that is not a version",
      "/api/plugins/demo/check-update/?current_version=banana",
      400,
      "invalid_version",
    ],
    [
      "an unknown channel",
      "/api/plugins/demo/check-update/?current_version=1.0.0&channel=nightly",
      400,
      "invalid_field",
    ],
    [
      "a site id with a slash",
      "/api/plugins/demo/check-update/?current_version=1.0.0&site_id=a/b",
      400,
      "invalid_field",
    ],
    ["an unknown plugin", "/api/plugins/nope/check-update/?current_version=1.0.0", 404, "unknown_plugin"],
    ["a slug with path tricks", "/api/plugins/..%2Fetc/check-update/?current_version=1.0.0", 404, "unknown_plugin"],
  ])("refuses %s", async (_name, path, status, code) => {
    await expectJsonError(await call(path), status, code);
  });

  it("refuses malformed JSON, a JSON list and an oversized body", async () => {
    await expectJsonError(await postJson("/api/plugins/demo/check-update/", "{not json"), 400, "malformed_json");
    await expectJsonError(await postJson("/api/plugins/demo/check-update/", "[1,2]"), 400, "malformed_json");
    await expectJsonError(
      await postJson("/api/plugins/demo/check-update/", { current_version: "1.0.0", padding: "x".repeat(20_000) }),
      413,
      "payload_too_large",
    );
  });

  it("refuses other methods with 405 and Allow", async () => {
    const response = await call("/api/plugins/demo/check-update/?current_version=1.0.0", { method: "PUT" });
    expect(response.headers.get("allow")).toBe("GET, POST");
    await expectJsonError(response, 405, "method_not_allowed");
  });
});

describe("info", () => {
  it("serves the stable and beta documents", async () => {
    const stable = await call("/api/plugins/demo/info/");
    expect(stable.status).toBe(200);
    expect(await stable.json()).toMatchObject({ slug: "demo", version: "1.4.0", requires_php: "8.3" });
    const beta = await call("/api/plugins/demo/info?channel=beta");
    expect(await beta.json()).toMatchObject({ version: "2.0.0-beta.1" });
  });

  it.each<[string, string, string, number, ApiErrorCode]>([
    ["an unknown plugin", "/api/plugins/nope/info/", "GET", 404, "unknown_plugin"],
    ["POST", "/api/plugins/demo/info/", "POST", 405, "method_not_allowed"],
    ["an unknown action", "/api/plugins/demo/nope/", "GET", 404, "not_found"],
    ["a path outside the API", "/api/whatever", "GET", 404, "not_found"],
  ])("refuses %s", async (_name, path, method, status, code) => {
    await expectJsonError(await call(path, { method }), status, code);
  });
});
