import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type ApiErrorCode, signDownload, VERIFY_REQUEST_HEADER } from "../../scripts/contract/index.ts";
import { call, expectJsonError, issueApiKey } from "./helpers.ts";

async function assetText(path: string): Promise<string> {
  return (await env.ASSETS.fetch(new Request(`https://assets.invalid${path}`))).text();
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function downloadStats(): Promise<{
  total: number;
  by_kind: Record<string, number>;
  by_version: Record<string, number>;
}> {
  const response = await call("/api/plugins/demo/stats/?refresh=1", {
    headers: { authorization: "Bearer test-admin-token" },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { downloads: never }).downloads;
}

describe("download", () => {
  it("streams the latest stable with its name, signature and checksums, and counts it", async () => {
    const before = await downloadStats();
    const response = await call("/api/plugins/demo/download/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="demo-v1.4.0.zip"');
    const bytes = await response.arrayBuffer();
    const releases = JSON.parse(await assetText("/plugins/demo/releases.json"));
    const latest = releases.releases.find((release: { version: string }) => release.version === "1.4.0");
    expect(await sha256Hex(bytes)).toBe(latest.sha256);
    expect(response.headers.get("x-checksum-sha256")).toBe(latest.sha256);
    expect(response.headers.get("content-length")).toBe(String(bytes.byteLength));
    expect(response.headers.get("x-content-signature")).toBe(
      (await assetText("/plugins/demo/demo-v1.4.0.zip.sig")).split("\n")[0],
    );
    const after = await downloadStats();
    expect(after.total).toBe(before.total + 1);
    expect(after.by_kind.manual).toBe((before.by_kind.manual ?? 0) + 1);
  });

  it("counts WordPress's own fetches as automatic, and direct package URLs too", async () => {
    const before = await downloadStats();
    const auto = await call("/api/plugins/demo/download/?version=1.1.0", {
      headers: { "user-agent": "WordPress/6.7; https://site.example" },
    });
    expect(auto.status).toBe(200);
    await auto.arrayBuffer();
    const direct = await call("/plugins/demo/demo-v1.2.0.zip");
    expect(direct.status).toBe(200);
    await direct.arrayBuffer();
    const after = await downloadStats();
    expect(after.by_kind.auto_update).toBe((before.by_kind.auto_update ?? 0) + 1);
    expect(after.by_version["1.1.0"]).toBe((before.by_version["1.1.0"] ?? 0) + 1);
    expect(after.by_version["1.2.0"]).toBe((before.by_version["1.2.0"] ?? 0) + 1);
  });

  it("issue 11 item 9: serves a package to feedwright verify (its header) without counting it", async () => {
    const verifying = { headers: { [VERIFY_REQUEST_HEADER]: "1" } };
    const before = await downloadStats();
    for (const path of [
      "/plugins/demo/demo-v1.2.0.zip",
      "/api/plugins/demo/download/?version=1.1.0",
      "/api/plugins/demo/download/",
    ]) {
      const response = await call(path, verifying);
      expect(response.status, path).toBe(200);
      expect((await response.arrayBuffer()).byteLength, path).toBeGreaterThan(100);
    }
    expect(await downloadStats()).toEqual(before);
    // The same request without the header is a download.
    await (await call("/plugins/demo/demo-v1.2.0.zip")).arrayBuffer();
    expect((await downloadStats()).total).toBe(before.total + 1);
  });

  it("issue 11 item 9: the verify header skips nothing but the count: a private package still needs its signed URL", async () => {
    const verifying = { headers: { [VERIFY_REQUEST_HEADER]: "1" } };
    await expectJsonError(await call("/plugins/secret/secret-v1.0.0.zip", verifying), 401, "signature_required");
    await expectJsonError(await call("/api/plugins/secret/download/", verifying), 401, "signature_required");
  });

  it.each<[string, string, number, ApiErrorCode]>([
    ["a draft", "/api/plugins/demo/download/?version=2.1.0", 404, "no_release"],
    ["a version that does not exist", "/api/plugins/demo/download/?version=7.0.0", 404, "no_release"],
    ["a version that is not one", "/api/plugins/demo/download/?version=latest!", 400, "invalid_version"],
    ["an unknown plugin", "/api/plugins/nope/download/", 404, "unknown_plugin"],
    ["an unknown package file", "/plugins/demo/demo-v7.0.0.zip", 404, "no_release"],
  ])("refuses %s", async (_name, path, status, code) => {
    await expectJsonError(await call(path), status, code);
  });

  it("refuses POST with 405", async () => {
    await expectJsonError(await call("/api/plugins/demo/download/", { method: "POST" }), 405, "method_not_allowed");
    await expectJsonError(await call("/plugins/demo/demo-v1.1.0.zip", { method: "DELETE" }), 405, "method_not_allowed");
  });
});

describe("an inactive plugin (active: false)", () => {
  it.each([
    ["the latest", "/api/plugins/gone/download/"],
    ["a version", "/api/plugins/gone/download/?version=1.0.0"],
    ["the versioned package URL", "/plugins/gone/gone-v1.0.0.zip"],
    ["the latest package URL", "/plugins/gone/gone-latest.zip"],
    ["its details", "/api/plugins/gone/info/"],
  ])("issue 11 item 13: refuses %s with 410 plugin_inactive", async (_name, path) => {
    await expectJsonError(await call(path), 410, "plugin_inactive");
  });

  it("issue 11 item 13: issues no download URL, even to a site with a key", async () => {
    const apiKey = await issueApiKey("gone-site", "gone");
    const response = await call("/api/plugins/gone/download-url/?version=1.0.0", {
      headers: { authorization: `Api-Key ${apiKey}` },
    });
    await expectJsonError(response, 410, "plugin_inactive");
  });

  it("issue 11 item 13: publishes no package and lists every release as not offered", async () => {
    for (const file of [
      "gone-v1.0.0.zip",
      "gone-v1.0.0.zip.sig",
      "gone-latest.zip",
      "info.json",
      "check-update.json",
    ]) {
      expect((await env.ASSETS.fetch(new Request(`https://assets.invalid/plugins/gone/${file}`))).status, file).toBe(
        404,
      );
    }
    const releases = JSON.parse(await assetText("/plugins/gone/releases.json"));
    expect(releases).toMatchObject({ active: false, latest: { stable: null, beta: null } });
    expect(releases.releases).toEqual([
      expect.objectContaining({ version: "1.0.0", offered: false, packaged: false, channel: null, file: null }),
    ]);
  });
});

describe("private downloads", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const signed = async (expires: number, version = "1.0.0") =>
    `?version=${version}&expires=${expires}&signature=${await signDownload("test-download-url-key", "secret", version, expires)}`;

  it("need a signed URL: missing 401, expired 403, tampered 403", async () => {
    await expectJsonError(await call("/api/plugins/secret/download/"), 401, "signature_required");
    await expectJsonError(await call("/plugins/secret/secret-v1.0.0.zip"), 401, "signature_required");
    await expectJsonError(
      await call(`/api/plugins/secret/download/${await signed(now() - 10)}`),
      403,
      "signature_expired",
    );
    const valid = await signed(now() + 600);
    const tampered = valid.replace(/.$/, (last) => (last === "0" ? "1" : "0"));
    await expectJsonError(await call(`/api/plugins/secret/download/${tampered}`), 403, "signature_invalid");
    const forAnotherVersion = (await signed(now() + 600, "9.0.0")).replace("version=9.0.0", "version=1.0.0");
    await expectJsonError(await call(`/api/plugins/secret/download/${forAnotherVersion}`), 403, "signature_invalid");
  });

  it("stream with a valid signature, never cached publicly", async () => {
    const response = await call(`/api/plugins/secret/download/${await signed(now() + 600)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  it("are signed for a site with its API key by download-url, and the URL downloads", async () => {
    const key = await issueApiKey("private-site", "secret");
    await expectJsonError(await call("/api/plugins/secret/download-url/?version=1.0.0"), 401, "unauthorized");
    const asked = await call("/api/plugins/secret/download-url/?version=1.0.0", {
      headers: { authorization: `Api-Key ${key}` },
    });
    expect(asked.status).toBe(200);
    const body = (await asked.json()) as { version: string; url: string; expires: number };
    expect(body).toMatchObject({
      version: "1.0.0",
      url: expect.stringMatching(
        /\/api\/plugins\/secret\/download\/\?version=1\.0\.0&expires=\d+&signature=[0-9a-f]{64}$/,
      ),
    });
    expect(body.expires).toBeGreaterThan(now());
    const downloaded = await call(new URL(body.url).pathname + new URL(body.url).search);
    expect(downloaded.status).toBe(200);
    await downloaded.arrayBuffer();
    const authorization = { authorization: `Api-Key ${key}` };
    await expectJsonError(
      await call("/api/plugins/secret/download-url/?version=9.9.9", { headers: authorization }),
      404,
      "no_release",
    );
    await expectJsonError(
      await call("/api/plugins/secret/download-url/?version=x", { headers: authorization }),
      400,
      "invalid_version",
    );
    await expectJsonError(
      await call("/api/plugins/secret/download-url/", { method: "POST", headers: authorization }),
      405,
      "method_not_allowed",
    );
  });

  it("download-url hands a public plugin's plain URL", async () => {
    const key = await issueApiKey("public-site", "demo");
    const asked = await call("/api/plugins/demo/download-url/?version=1.1.0", {
      headers: { authorization: `Api-Key ${key}` },
    });
    expect(await asked.json()).toEqual({
      version: "1.1.0",
      url: "https://feed.example/api/plugins/demo/download/?version=1.1.0",
      expires: null,
    });
  });
});
