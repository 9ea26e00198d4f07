import { describe, expect, it } from "vitest";
import type { ApiErrorCode } from "../../scripts/contract/index.ts";
import { PROTOTYPE_NAMES } from "../support/prototype-names.ts";
import { call, expectJsonError, issueApiKey, postJson } from "./helpers.ts";

/** A 4xx in the JSON error shape; HEAD answers carry the status only. */
async function expectRefused(response: Response, method: string, status: number, code: ApiErrorCode) {
  if (method === "HEAD") {
    expect(response.status).toBe(status);
    expect(await response.text()).toBe("");
    return;
  }
  await expectJsonError(response, status, code);
}

const withBody = (method: string, body: unknown): RequestInit =>
  method === "POST"
    ? { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) }
    : { method };

describe("issue 9 item 3: names of JavaScript object properties are ordinary unknown names", () => {
  it("lists the names it tries", () => {
    expect(PROTOTYPE_NAMES).toEqual(
      expect.arrayContaining(["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf", "isPrototypeOf"]),
    );
  });

  describe.each(PROTOTYPE_NAMES)("%s", (name) => {
    it.each(["GET", "HEAD", "POST"])("as an action (%s): 404, no such action", async (method) => {
      for (const pathname of [`/api/plugins/demo/${name}/`, `/api/plugins/demo/${name}`]) {
        await expectRefused(await call(pathname, withBody(method, {})), method, 404, "not_found");
      }
    });

    it.each(["GET", "HEAD", "POST"])("as a slug (%s): 404, no such plugin", async (method) => {
      const action = method === "HEAD" ? "info" : "check-update";
      const response = await call(`/api/plugins/${name}/${action}/?current_version=1.0.0`, withBody(method, {}));
      await expectRefused(response, method, 404, "unknown_plugin");
      const file = await call(`/plugins/${name}/${name}.zip`, { method: method === "POST" ? "GET" : method });
      await expectRefused(file, method, 404, "unknown_plugin");
    });

    it.each(["GET", "HEAD", "POST"])("as a version (%s): 400 or 404", async (method) => {
      if (method === "POST") {
        const response = await postJson("/api/plugins/demo/check-update/", { current_version: name });
        await expectRefused(response, method, 400, "invalid_version");
        return;
      }
      const query = `?version=${encodeURIComponent(name)}`;
      await expectRefused(
        await call(`/api/plugins/demo/download/${query}`, { method }),
        method,
        400,
        "invalid_version",
      );
      const check = await call(`/api/plugins/demo/check-update/?current_version=${encodeURIComponent(name)}`, {
        method,
      });
      // check-update does not answer HEAD at all.
      await expectRefused(check, method, method === "HEAD" ? 405 : 400, "invalid_version");
      const file = await call(`/plugins/demo/${name}.zip`, { method });
      await expectRefused(file, method, 404, "no_release");
    });

    it.each(["GET", "HEAD", "POST"])("as a query key (%s): no stand-in for a missing field", async (method) => {
      const query = `?${encodeURIComponent(name)}=1.0.0`;
      const response = await call(`/api/plugins/demo/check-update/${query}`, withBody(method, {}));
      await expectRefused(response, method, method === "HEAD" ? 405 : 400, "invalid_field");
      // Beside the real fields, it is ignored.
      if (method === "GET") {
        const ok = await call(`/api/plugins/demo/check-update/${query}&current_version=1.4.0`);
        expect(ok.status).toBe(200);
        expect(await ok.json()).toMatchObject({ update_available: false, latest_version: "1.4.0" });
      }
    });

    it("as a body key holding the fields: the fields are not read through it", async () => {
      const smuggled = { [name]: { current_version: "1.0.0", site_id: "smuggled", version: "1.0.0" } };
      await expectRefused(await postJson("/api/plugins/demo/check-update/", smuggled), "POST", 400, "invalid_field");
      const form = await call("/api/plugins/demo/check-update/", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `${encodeURIComponent(name)}=1.0.0`,
      });
      await expectRefused(form, "POST", 400, "invalid_field");
      const key = await issueApiKey("smuggled");
      const register = await postJson("/api/plugins/demo/register/", smuggled, { authorization: `Api-Key ${key}` });
      await expectRefused(register, "POST", 400, "invalid_field");
    });
  });
});

describe("issue 9 item 3: statistics count stored names that are JavaScript object properties", () => {
  it("tallies versions, health and platform versions named like Object.prototype members", async () => {
    const { env } = await import("cloudflare:workers");
    const today = new Date().toISOString().slice(0, 10);
    const expires = Math.floor(Date.now() / 1000) + 86_400;
    for (const [index, name] of PROTOTYPE_NAMES.entries()) {
      await env.INSTALLATIONS.put(`site:demo:proto-${index}`, "", {
        metadata: { v: name, wp: name, php: "__proto__", h: name, r: today, s: today, x: expires },
      });
    }
    const response = await call("/api/plugins/demo/stats/?refresh=1", {
      headers: { authorization: "Bearer test-admin-token" },
    });
    expect(response.status).toBe(200);
    const stats = ((await response.json()) as { census: Record<string, Record<string, number>> }).census;
    // Own entries, in any order (KV lists keys in byte order).
    const entries = (counts: Record<string, number> | undefined) => Object.entries(counts ?? {}).sort();
    const expected = PROTOTYPE_NAMES.map((name) => [name, 1]).sort();
    expect(entries(stats.versions)).toEqual(expected);
    expect(entries(stats.wp_versions)).toEqual(expected);
    expect(entries(stats.php_versions)).toEqual([["__proto__", PROTOTYPE_NAMES.length]]);
    expect(entries(stats.health)).toEqual(
      [["healthy", 0], ["outdated", 0], ["error", 0], ...expected].sort() as [string, number][],
    );
  });
});
