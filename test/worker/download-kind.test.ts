import { describe, expect, it } from "vitest";
import { DOWNLOAD_KIND_PARAM } from "../../scripts/contract/index.ts";
import { truncateAddress } from "../../worker/src/history.ts";
import { call, expectJsonError } from "./helpers.ts";

const admin = { authorization: "Bearer test-admin-token" };
async function fresh(): Promise<{ downloads: { total: number; by_kind: Record<string, number> } }> {
  return (await (await call("/api/plugins/demo/stats/", { headers: admin })).json()) as never;
}

describe("issue 14 item 2: download kind", () => {
  it("issue 14 item 2: counts the kind the request declares, whatever its user agent", async () => {
    const before = await fresh();
    const wordpress = { "user-agent": "WordPress/6.8; https://site.example" };
    for (const [query, headers] of [
      [`?version=1.4.0&${DOWNLOAD_KIND_PARAM}=manual`, wordpress],
      [`?version=1.4.0&${DOWNLOAD_KIND_PARAM}=auto_update`, {}],
      ["?version=1.4.0", wordpress],
    ] as const) {
      const response = await call(`/api/plugins/demo/download/${query}`, { headers });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const after = await fresh();
    expect(after.downloads.total).toBe(before.downloads.total + 3);
    expect(after.downloads.by_kind).toEqual({
      auto_update: (before.downloads.by_kind.auto_update ?? 0) + 2,
      manual: (before.downloads.by_kind.manual ?? 0) + 1,
    });
  });

  it("issue 14 item 2: refuses an unknown kind with a JSON 400 and counts nothing", async () => {
    const before = await fresh();
    for (const path of ["/api/plugins/demo/download/?kind=automatic", "/plugins/demo/demo-v1.4.0.zip?kind="]) {
      await expectJsonError(await call(path), 400, "invalid_field");
    }
    expect(await fresh()).toMatchObject({ downloads: before.downloads });
  });

  it("issue 14 item 1: ignores X-Feedwright-Now (the simulated clock) without the dev-only binding", async () => {
    const response = await call("/api/plugins/demo/stats/", {
      headers: { ...admin, "x-feedwright-now": "2020-01-01T00:00:00Z" },
    });
    const body = (await response.json()) as { generated_at: string };
    expect(Math.abs(Date.parse(body.generated_at) - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    ["203.0.113.77", "203.0.113.0/24"],
    ["2001:db8:abcd:12::1", "2001:db8:abcd::/48"],
    ["2001:0db8:00ab:ffff:1:2:3:4", "2001:db8:ab::/48"],
    ["::1", "0:0:0::/48"],
    ["::ffff:198.51.100.4", "0:0:0::/48"],
    ["fe80::1:2:3:4:5", "fe80:0:0::/48"],
    ["not an address", null],
    ["1:2:3", null],
  ])("issue 14 item 1: keeps %s of a download as %s", (address, kept) => {
    expect(truncateAddress(address)).toBe(kept);
  });
});
