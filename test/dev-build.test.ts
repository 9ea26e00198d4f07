/**
 * The build `npm run dev` serves (scripts/dev/dev-build.ts): documents pointing at the dev
 * server, packages exactly as `feedwright build` makes them. Without wrangler: the folder
 * itself is checked here; test/dev-server.test.ts asks the running server.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildForDev, parseDevOrigin } from "../scripts/dev/dev-build.ts";
import { createDemoRepo, type DemoRepo, TEST_ENV } from "./support/scratch-repo.ts";

const ORIGIN = "http://127.0.0.1:8799";
const PRODUCTION = "https://api.example.com";

/** Every file of a folder, by path relative to it. */
function filesOf(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe("issue 11 item 5: npm run dev builds documents that point at the dev server", () => {
  let repo: DemoRepo;
  let stderr = "";
  let code = -1;
  const dev = () => path.join(repo.root, "dist-dev");
  const production = () => path.join(repo.root, "dist");
  const read = (folder: string, file: string) => readFileSync(path.join(folder, file), "utf8");

  beforeAll(async () => {
    repo = createDemoRepo();
    expect((await repo.feedwright("build", "--out", "dist", "--quiet")).code).toBe(0);
    code = await buildForDev({
      root: repo.root,
      outDir: dev(),
      origin: ORIGIN,
      env: TEST_ENV,
      stderr: (text) => {
        stderr += text;
      },
    });
  });
  afterAll(() => repo.cleanup());

  it("writes every URL of the JSON documents and pages at the dev server's origin", () => {
    expect(code).toBe(0);
    expect(stderr).toContain(`documents point at ${ORIGIN}`);
    const info = JSON.parse(read(dev(), "plugins/demo/info.json"));
    expect(info).toMatchObject({
      download_url: `${ORIGIN}/api/plugins/demo/download/?version=1.1.0`,
      signature_url: `${ORIGIN}/plugins/demo/demo-v1.1.0.zip.sig`,
    });
    expect(JSON.parse(read(dev(), "plugins/demo/check-update.json"))).toMatchObject({
      download_url: `${ORIGIN}/api/plugins/demo/download/?version=1.1.0`,
      info_url: `${ORIGIN}/api/plugins/demo/info/`,
    });
    const feed = JSON.parse(read(dev(), "feed.json"));
    expect(feed.manifest.url).toBe(`${ORIGIN}/manifest.json`);
    expect(feed.plugins.demo.channels.stable.url).toBe(`${ORIGIN}/plugins/demo/demo-v1.1.0.zip`);
    // No document or page leads to production, except the api_base the packages carry.
    const leaks = filesOf(dev())
      .filter((file) => /\.(json|html)$/.test(file))
      .flatMap((file) =>
        read(dev(), file)
          .split("\n")
          .filter((line) => line.includes(PRODUCTION) && !line.includes(`"api_base": "${PRODUCTION}/api"`))
          .map((line) => `${file}: ${line.trim()}`),
      );
    expect(leaks).toEqual([]);
    // The production build is untouched by any of this.
    expect(JSON.parse(read(production(), "plugins/demo/info.json")).download_url).toBe(
      `${PRODUCTION}/api/plugins/demo/download/?version=1.1.0`,
    );
  });

  it("publishes the very packages feedwright build does, byte for byte, and only the documents differ", () => {
    const packages = filesOf(production()).filter((file) => /\.zip(\.sig|\.sha256)?$/.test(file));
    expect(packages.length).toBeGreaterThanOrEqual(6);
    for (const file of packages) expect(read(dev(), file), file).toBe(read(production(), file));
    expect(filesOf(dev())).toEqual(filesOf(production()));
    const differing = filesOf(production()).filter((file) => read(dev(), file) !== read(production(), file));
    for (const file of differing) expect(file).toMatch(/\.(json|html|sig)$/);
    expect(differing).toContain("plugins/demo/info.json");
  });

  it("stays a valid, signed feed: feedwright verify passes on it", async () => {
    const result = await repo.feedwright("verify", dev());
    expect(result.stdout).not.toContain("FAIL");
    expect(result.code).toBe(0);
  });

  it("refuses an --origin that is not an http(s) origin before building anything", () => {
    expect(parseDevOrigin("http://localhost:8787/")).toBe("http://localhost:8787");
    for (const bad of ["127.0.0.1:8787", "ftp://x", "http://127.0.0.1:8787/feed", "http://x/?a=1"])
      expect(() => parseDevOrigin(bad), bad).toThrow("--origin: expected an http(s) origin");
  });
});
