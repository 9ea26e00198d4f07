/**
 * The Geeklog repository's Worker routes in the real runtime: the update check Geeklog's
 * client posts (PHP-serialized, read strictly), its answer, and the download redirects.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GEEKLOG_INDEX_PATH, type GeeklogIndex, geeklogPath } from "../../scripts/contract/index.ts";
import { call, expectJsonError } from "./helpers.ts";

async function loadIndex(): Promise<GeeklogIndex> {
  return (await env.ASSETS.fetch(new Request(`https://assets.invalid/${GEEKLOG_INDEX_PATH}`))).json();
}

/** PHP's serialize(array(id => array(version, count))) as the client writes it (count as the database's text). */
function serialized(entries: [number, string, string | null][]): string {
  const text = (value: string) => `s:${new TextEncoder().encode(value).length}:"${value}";`;
  return `a:${entries.length}:{${entries
    .map(([id, version, count]) => `i:${id};a:2:{i:0;${text(version)}i:1;${count === null ? "N;" : text(count)}}`)
    .join("")}}`;
}

/** The check as the client posts it: REPOSITORY_ARRAY_PATCHES=rawurlencode(serialize(...)). */
function check(body: string, query = "?cmd=2", init: RequestInit = {}): Promise<Response> {
  return call(`/${geeklogPath("check")}${query}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
    ...init,
  });
}

const field = (value: string) => `REPOSITORY_ARRAY_PATCHES=${encodeURIComponent(value)}`;

describe("the Geeklog update check", () => {
  it("issue 13: offers a site on 1.0.0 the upgrade, in the reference server's XML", async () => {
    const index = await loadIndex();
    const first = index.listing.find((entry) => entry.geeklog_version === "1.0.0");
    const upgrade = index.items.find((item) => item.kind === "upgrade");
    const response = await check(field(serialized([[first?.id ?? 0, "1.0.0", "0"]])));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/xml; charset=utf-8");
    expect(await response.text()).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<repository>\n<upgrade>\n<upgrade_version>1.1.0</upgrade_version>\n<upgrade_name>Greet</upgrade_name>\n<upgrade_version2>1.0.0</upgrade_version2>\n<upgrade_pluginid>${first?.id}</upgrade_pluginid>\n<upgrade_id>${upgrade?.id}</upgrade_id>\n<upgrade_autoinstall>1</upgrade_autoinstall>\n<upgrade_ext>.zip</upgrade_ext>\n<upgrade_des>&lt;p&gt;Greet 1.1.0.&lt;/p&gt;\n</upgrade_des>\n</upgrade>\n</repository>\n`,
    );
  });

  it("issue 13: offers a site on 1.1.0 the patch until its update count reaches it, and one item per answer", async () => {
    const index = await loadIndex();
    const second = index.listing.find((entry) => entry.geeklog_version === "1.1.0");
    const first = index.listing.find((entry) => entry.geeklog_version === "1.0.0");
    const patch = index.items.find((item) => item.kind === "patch");
    for (const count of [null, "0"]) {
      const text = await (await check(field(serialized([[second?.id ?? 0, "1.1.0", count]])))).text();
      expect(text).toContain(
        `<patch>\n<id>${patch?.id}</id>\n<name>Greet 1.1.0 update 1</name>\n<plugin_id>${second?.id}</plugin_id>`,
      );
      expect(text).toContain("<update_number>1</update_number>\n</patch>");
    }
    const current = await (await check(field(serialized([[second?.id ?? 0, "1.1.0", "1"]])))).text();
    expect(current).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<repository>\n</repository>\n');
    // Two plugins with updates (here: two listings of one plugin): only the first is offered.
    const both = await (
      await check(
        field(
          serialized([
            [second?.id ?? 0, "1.1.0", "0"],
            [first?.id ?? 0, "1.0.0", "0"],
          ]),
        ),
      )
    ).text();
    expect(both.match(/<patch>|<upgrade>/g)).toEqual(["<patch>"]);
    // An id the listing does not have: nothing.
    expect(await (await check(field(serialized([[12345, "1.0.0", "0"]])))).text()).not.toContain("<patch>");
  });

  it.each([
    ["no REPOSITORY_ARRAY_PATCHES", "other=1", "invalid_field"],
    ["a text that is not serialized", field("hello"), "malformed_serialized"],
    ["an object", field('O:8:"stdClass":0:{}'), "malformed_serialized"],
    ["an object inside the array", field('a:1:{i:1;O:8:"stdClass":0:{}}'), "malformed_serialized"],
    ["a reference", field('a:2:{i:1;a:2:{i:0;s:5:"1.0.0";i:1;N;}i:2;r:2;}'), "malformed_serialized"],
    ["a float", field('a:1:{i:1;a:2:{i:0;s:5:"1.0.0";i:1;d:0.5;}}'), "malformed_serialized"],
    ["data after the value", field(`${serialized([[1, "1.0.0", "0"]])}b:1;`), "malformed_serialized"],
    ["a string longer than its data", field('a:1:{i:1;a:2:{i:0;s:99:"1.0.0";i:1;N;}}'), "malformed_serialized"],
    ["a count that lies", field('a:2:{i:1;a:2:{i:0;s:5:"1.0.0";i:1;N;}}'), "malformed_serialized"],
    ["a plugin that is not (version, count)", field('a:1:{i:1;s:5:"1.0.0";}'), "malformed_serialized"],
    ["an id of 0", field(serialized([[0, "1.0.0", "0"]])), "malformed_serialized"],
    ["a count that is not a number", field(serialized([[1, "1.0.0", "1 OR 1=1"]])), "malformed_serialized"],
    ["arrays nested deeper than the check's", field("a:1:{i:1;a:1:{i:0;a:1:{i:0;a:0:{}}}}"), "malformed_serialized"],
  ])("issue 13: refuses %s with a 400 and a JSON error", async (_name, body, code) => {
    await expectJsonError(await check(body), 400, code as "invalid_field");
  });

  it("issue 13: wants cmd=2 and POST", async () => {
    await expectJsonError(await check(field(serialized([[1, "1.0.0", "0"]])), "?cmd=1"), 400, "invalid_field");
    await expectJsonError(await check(field(serialized([[1, "1.0.0", "0"]])), ""), 400, "invalid_field");
    const get = await call(`/${geeklogPath("check")}?cmd=2`);
    await expectJsonError(get, 405, "method_not_allowed");
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("issue 13: refuses a body over 16 KiB with a 413", async () => {
    await expectJsonError(await check(field("x".repeat(20_000))), 413, "payload_too_large");
  });
});

describe("the Geeklog downloads", () => {
  it("issue 13: redirect a patch, an upgrade and a listed version to the package, which is counted", async () => {
    const index = await loadIndex();
    const patch = index.items.find((item) => item.kind === "patch");
    const upgrade = index.items.find((item) => item.kind === "upgrade");
    const listed = index.listing.find((entry) => entry.geeklog_version === "1.0.0");
    const cases = [
      [`/${geeklogPath("patch")}?pid=${patch?.id}`, "greet-geeklog-v1.1.0%2Bupdate.1.zip?type=auto_update"],
      [`/${geeklogPath("upgrade")}?pid=${upgrade?.id}`, "greet-geeklog-v1.1.0.zip?type=auto_update"],
      [`/${geeklogPath("get")}?pid=${listed?.id}`, "greet-geeklog-v1.0.0.zip?type=manual"],
    ] as const;
    const stats = async () =>
      (
        (await (
          await call("/api/plugins/greet-geeklog/stats/?refresh=1", {
            headers: { authorization: "Bearer test-admin-token" },
          })
        ).json()) as { downloads: { by_version: Record<string, number> } }
      ).downloads.by_version;
    const before = await stats();
    for (const [pathAndQuery, target] of cases) {
      const response = await call(pathAndQuery, { redirect: "manual" });
      expect(response.status, pathAndQuery).toBe(302);
      const location = response.headers.get("location") ?? "";
      expect(location).toBe(`https://feed.example/plugins/greet-geeklog/${target}`);
      const zip = await call(location.replace("https://feed.example", ""));
      expect(zip.status).toBe(200);
      expect(zip.headers.get("content-type")).toBe("application/zip");
      await zip.arrayBuffer();
    }
    const after = await stats();
    for (const version of ["1.1.0+update.1", "1.1.0", "1.0.0"]) expect(after[version]).toBe((before[version] ?? 0) + 1);
  });

  it("issue 13: refuse a pid that is not a whole number (400), and one no release has (404)", async () => {
    const index = await loadIndex();
    const patch = index.items.find((item) => item.kind === "patch");
    await expectJsonError(await call(`/${geeklogPath("patch")}?pid=1%20OR%201`), 400, "invalid_field");
    await expectJsonError(await call(`/${geeklogPath("get")}`), 400, "invalid_field");
    await expectJsonError(await call(`/${geeklogPath("patch")}?pid=99`), 404, "no_release");
    // A patch's id is no upgrade.
    await expectJsonError(await call(`/${geeklogPath("upgrade")}?pid=${patch?.id}`), 404, "no_release");
    await expectJsonError(await call(`/${geeklogPath("get")}?pid=1`, { method: "POST" }), 405, "method_not_allowed");
  });
});

describe("a Geeklog plugin on the WordPress API", () => {
  it("issue 13: has no info document: the info route says where its sites read instead", async () => {
    const response = await call("/api/plugins/greet-geeklog/info/");
    await expectJsonError(response.clone(), 404, "no_release");
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "/geeklog/repository/main",
    );
  });
});
