/**
 * `feedwright verify` against tampered folders and addresses that do not answer (issue 9,
 * items 7 and 12): one signature must cover every published byte, and a failure to fetch is
 * one clear line, not a stack.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toCanonicalJson, toJsonText } from "../scripts/core/documents.ts";
import { listFiles } from "./support/files.ts";
import { createDemoRepo, type ScratchRepo } from "./support/scratch-repo.ts";

/** Any valid key: this test never gets as far as a signature. */
const EXAMPLE_PUBLIC_KEY = "anovI8teGL2yXQl4+CZ4KlDvy4EMIWkfd2je/M2m5HI=";
const FEEDWRIGHT_BIN = path.resolve(import.meta.dirname, "../scripts/bin/feedwright.js");

let repo: ScratchRepo;
let dist: string;
beforeAll(async () => {
  repo = createDemoRepo();
  expect((await repo.feedwright("build", "--out", "dist", "--quiet")).code).toBe(0);
  dist = path.join(repo.root, "dist");
});
afterAll(() => repo.cleanup());

/** A copy of the built folder, changed by `tamper`. */
function tamperedCopy(tamper?: (folder: string) => void): string {
  const copy = path.join(repo.root, `copy-${Math.random().toString(36).slice(2)}`);
  execFileSync("cp", ["-r", dist, copy]);
  tamper?.(copy);
  return copy;
}

/** The FAIL rows of verify's table, as [check, subject]. */
function failedRows(stdout: string): [string, string][] {
  return [...stdout.matchAll(/^FAIL {2}(.+?) {2,}(.+?): /gm)].map((match) => [match[1]?.trim() ?? "", match[2] ?? ""]);
}

/** Rewrite a JSON file in the form the build writes it (canonical for the signed ones). */
function editJson(folder: string, file: string, edit: (value: Record<string, unknown>) => void): void {
  const full = path.join(folder, file);
  const value = JSON.parse(readFileSync(full, "utf8"));
  edit(value);
  const canonical = file === "feed.json" || file === "manifest.json";
  writeFileSync(full, canonical ? toCanonicalJson(value) : toJsonText(value));
}

/** Edits an attacker would make, each keeping the document valid JSON. */
const VALUE_EDITS: Record<string, [string, (value: Record<string, unknown>) => void][]> = {
  "info.json": [
    ["download_url", (info) => Object.assign(info, { download_url: "https://evil.example/demo.zip" })],
    [
      "the description HTML",
      (info) =>
        Object.assign(info, { sections: { ...(info.sections as object), description: "<script>x()</script>" } }),
    ],
  ],
  "check-update.json": [
    ["download_url", (check) => Object.assign(check, { download_url: "https://evil.example/demo.zip" })],
    ["force_update", (check) => Object.assign(check, { force_update: !check.force_update })],
    ["the changelog", (check) => Object.assign(check, { changelog: "<img src=x onerror=alert(1)>" })],
  ],
  "releases.json": [
    ["a rollout", (releases) => Object.assign((releases.releases as object[])[0] ?? {}, { rollout: 1 })],
  ],
  "offers.json": [
    [
      "a candidate's rollout",
      (offers) => Object.assign(((offers.channels as Record<string, object[]>).stable ?? [])[0] ?? {}, { rollout: 1 }),
    ],
  ],
  "deprecations.json": [
    ["the list", (document) => Object.assign(document, { deprecated: [{ version: "0.0.1", reason: "x" }] })],
  ],
  "manifest.json": [
    [
      "a file's sha256",
      (manifest) => {
        const files = manifest.files as Record<string, string>;
        files["plugins/demo/info.json"] = "0".repeat(64);
      },
    ],
  ],
  "feed.json": [["the serial", (feed) => Object.assign(feed, { serial: (feed.serial as number) + 1000 })]],
};

/** The checks an edit of offers.json alone fails: what the Worker and the updater decide from says other than releases.json. */
const OFFERS_EDITED = [
  ["manifest matches file", "plugins/demo/offers.json"],
  ["feed matches document", "plugins/demo/offers.json"],
  ["offer index matches releases.json", "plugins/demo/offers.json"],
  ["feed matches offer index", "feed.json demo offers"],
];

describe("issue 9 item 7: feedwright verify covers every published byte", () => {
  it("passes on a fresh build, listing every file in manifest.json", async () => {
    const manifest = JSON.parse(readFileSync(path.join(dist, "manifest.json"), "utf8"));
    expect(manifest.format).toBe("feedwright-manifest/1");
    const unlisted = ["feed.json", "feed.json.sig", "manifest.json"];
    expect(Object.keys(manifest.files)).toEqual(listFiles(dist).filter((file) => !unlisted.includes(file)));
    const result = await repo.feedwright("verify", tamperedCopy());
    expect(failedRows(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
  });

  it("fails on a flipped byte in any published JSON document, naming the file", async () => {
    const documents = listFiles(dist).filter((file) => file.endsWith(".json"));
    expect(documents).toEqual(expect.arrayContaining(["feed.json", "manifest.json", "plugins/demo/info.json"]));
    for (const file of documents) {
      const size = readFileSync(path.join(dist, file)).length;
      // The first byte, one in the middle and the last: the frame, a value and the newline.
      for (const offset of [0, Math.floor(size / 2), size - 1]) {
        const copy = tamperedCopy((folder) => {
          const bytes = readFileSync(path.join(folder, file));
          bytes[offset] = (bytes[offset] ?? 0) ^ 0x01;
          writeFileSync(path.join(folder, file), bytes);
        });
        const result = await repo.feedwright("verify", copy);
        expect(result.code, `${file} byte ${offset}`).toBe(1);
        expect(
          failedRows(result.stdout).map(([, subject]) => subject),
          `${file} byte ${offset}`,
        ).toContain(file);
        rmSync(copy, { recursive: true });
      }
    }
  });

  it("fails on a changed value that keeps the JSON valid (download_url, force_update, HTML), naming the file", async () => {
    const documents = listFiles(dist).filter((file) => file.endsWith(".json"));
    const edited = new Set<string>();
    for (const file of documents) {
      for (const [what, edit] of VALUE_EDITS[path.basename(file)] ?? []) {
        edited.add(file);
        const result = await repo.feedwright(
          "verify",
          tamperedCopy((folder) => editJson(folder, file, edit)),
        );
        expect(result.code, `${file}: ${what}`).toBe(1);
        expect(
          failedRows(result.stdout).map(([, subject]) => subject),
          `${file}: ${what}`,
        ).toContain(file);
      }
    }
    expect([...edited].sort()).toEqual([
      "feed.json",
      "manifest.json",
      "plugins/demo/check-update.json",
      "plugins/demo/deprecations.json",
      "plugins/demo/info.json",
      "plugins/demo/offers.json",
      "plugins/demo/releases.json",
    ]);
  });

  it("issue 12: names exactly which checks fail when offers.json, which the Worker and the updater decide from, says other than releases.json", async () => {
    const copy = tamperedCopy((folder) =>
      editJson(folder, "plugins/demo/offers.json", (offers) => {
        const stable = (offers.channels as Record<string, Record<string, unknown>[]>).stable ?? [];
        expect(stable.length).toBeGreaterThan(0);
        Object.assign(stable[0] ?? {}, { force_update: true, forced_since: stable[0]?.version });
      }),
    );
    const result = await repo.feedwright("verify", copy);
    expect(failedRows(result.stdout)).toEqual(OFFERS_EDITED);
  });

  it("names exactly which checks fail when info.json's download_url is changed", async () => {
    const copy = tamperedCopy((folder) =>
      editJson(folder, "plugins/demo/info.json", (info) => {
        info.download_url = "https://evil.example/demo.zip";
      }),
    );
    const result = await repo.feedwright("verify", copy);
    expect(failedRows(result.stdout)).toEqual([
      ["manifest matches file", "plugins/demo/info.json"],
      ["feed matches document", "plugins/demo/info.json"],
    ]);
  });

  it("reports a document of the wrong shape as failed rows, without a crash", async () => {
    const copy = tamperedCopy((folder) => {
      writeFileSync(path.join(folder, "plugins/demo/releases.json"), '{"releases":[null,5,{"packaged":true}]}\n');
      editJson(folder, "feed.json", (feed) => {
        (feed.plugins as Record<string, unknown>).other = 5;
      });
    });
    const result = await repo.feedwright("verify", copy);
    expect(result.code).toBe(1);
    expect(failedRows(result.stdout)).toEqual([
      ["feed signature", "feed.json"],
      ["manifest matches file", "plugins/demo/releases.json"],
      ["feed matches document", "plugins/demo/releases.json"],
      ["offer index matches releases.json", "plugins/demo/offers.json"],
      ["feed matches package", "feed.json demo stable"],
      ["feed matches package", "feed.json demo beta"],
      ["parses", "feed.json other"],
    ]);
  });

  it("flags a file dropped into the folder that the manifest does not list", async () => {
    const copy = tamperedCopy((folder) => {
      writeFileSync(path.join(folder, "plugins/demo/evil.php"), "<?php phpinfo();\n");
      mkdirSync(path.join(folder, ".well-known"));
      writeFileSync(path.join(folder, ".well-known/security.txt"), "Contact: mailto:x@example.com\n");
    });
    const result = await repo.feedwright("verify", copy);
    expect(result.code).toBe(1);
    expect(failedRows(result.stdout)).toEqual([
      ["listed in manifest", ".well-known/security.txt"],
      ["listed in manifest", "plugins/demo/evil.php"],
    ]);
    expect(result.stdout).toMatch(
      /^FAIL {2}listed in manifest +plugins\/demo\/evil\.php: in the folder but not in manifest\.json: no signature covers it$/m,
    );
  });

  it("flags a file the manifest lists that is missing from the folder", async () => {
    const result = await repo.feedwright(
      "verify",
      tamperedCopy((folder) => rmSync(path.join(folder, "plugins/demo/index.html"))),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^FAIL {2}manifest matches file +plugins\/demo\/index\.html: missing \(manifest\.json lists it\)$/m,
    );
  });

  it("fails when a per-plugin document the feed lists is deleted", async () => {
    const result = await repo.feedwright(
      "verify",
      tamperedCopy((folder) => rmSync(path.join(folder, "plugins/demo/check-update.json"))),
    );
    expect(result.code).toBe(1);
    expect(failedRows(result.stdout)).toEqual(
      expect.arrayContaining([
        ["manifest matches file", "plugins/demo/check-update.json"],
        ["feed matches document", "plugins/demo/check-update.json"],
      ]),
    );
  });
});

describe("issue 14: verify and a guarded rollout", () => {
  let guarded: ScratchRepo;
  beforeAll(async () => {
    guarded = createDemoRepo();
    const file = "releases/demo/1.1.0.yaml";
    guarded.write(file, `${guarded.read(file)}rollout: 40\nguard:\n  max_error_rise_points: 5\n  min_sites: 20\n`);
    expect((await guarded.feedwright("build", "--out", "dist", "--quiet")).code).toBe(0);
  });
  afterAll(() => guarded.cleanup());

  it("passes the build, whose offer index and signed feed carry the guard with its baseline, and fails an offer index that loosens it", async () => {
    const offersFile = "dist/plugins/demo/offers.json";
    const offers = JSON.parse(guarded.read(offersFile));
    const feed = JSON.parse(guarded.read("dist/feed.json"));
    const guard = { max_error_rise_points: 5, min_sites: 20, baseline: "1.0.0" };
    expect(offers.channels.stable.map((candidate: { guard: unknown }) => candidate.guard)).toEqual([guard, null]);
    expect(feed.plugins.demo.offers).toEqual(offers);
    const passed = await guarded.feedwright("verify", "dist");
    expect(failedRows(passed.stdout)).toEqual([]);
    expect(passed.code).toBe(0);

    offers.channels.stable[0].guard.max_error_rise_points = 100;
    guarded.write(offersFile, toJsonText(offers));
    const loosened = await guarded.feedwright("verify", "dist");
    expect(loosened.code).toBe(1);
    expect(failedRows(loosened.stdout)).toEqual(OFFERS_EDITED);
  });
});

describe("issue 9 item 12: verify refuses a feed issued in the future", () => {
  const issuedAt = () => Date.parse(JSON.parse(readFileSync(path.join(dist, "feed.json"), "utf8")).issued_at);

  it("refuses a feed whose issued_at is more than 5 minutes after now", async () => {
    const now = new Date(issuedAt() - 60 * 60_000).toISOString();
    const result = await repo.feedwright("verify", tamperedCopy(), "--now", now);
    expect(result.code).toBe(1);
    expect(failedRows(result.stdout)).toEqual([["feed issued", "feed.json"]]);
    expect(result.stdout).toMatch(/^FAIL {2}feed issued +feed\.json: issued .* \(in the future: after /m);
  });

  it("allows 5 minutes of clock skew", async () => {
    const now = new Date(issuedAt() - 4 * 60_000).toISOString();
    const result = await repo.feedwright("verify", tamperedCopy(), "--now", now);
    expect(failedRows(result.stdout)).toEqual([]);
    expect(result.code).toBe(0);
  });
});

describe("issue 9 item 12: verify of an address that does not answer", () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) server.close();
  });

  async function serve(handler: RequestListener): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  /** A port on 127.0.0.1 that nothing listens on: one just opened and closed again. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  it("says which URL could not be fetched and why, and exits 1", async () => {
    const port = await closedPort();
    const result = await repo.feedwright("verify", `http://127.0.0.1:${port}`);
    expect(result.stderr).toBe(
      `error: could not fetch http://127.0.0.1:${port}/feed.json: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
    expect(result.stdout).toBe("");
    expect(result.code).toBe(1);
  });

  it("prints no stack trace from the command line", async () => {
    const port = await closedPort();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      // --public-key: a checkout without a development key must not stop before the fetch.
      const args = [FEEDWRIGHT_BIN, "verify", `http://127.0.0.1:${port}/`, "--public-key", EXAMPLE_PUBLIC_KEY];
      execFile(process.execPath, args, { cwd: tmpdir() }, (error, _stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stderr }),
      );
    });
    expect(stderr).toBe(
      `error: could not fetch http://127.0.0.1:${port}/feed.json: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
    expect(code).toBe(1);
  });

  it("says so when the address answers 500", async () => {
    const base = await serve((_request, response) => {
      response.statusCode = 500;
      response.end("oops");
    });
    const result = await repo.feedwright("verify", base);
    expect(result.stderr).toBe(`error: could not fetch ${base}feed.json: HTTP 500 Internal Server Error\n`);
    expect(result.code).toBe(1);
  });

  it("says so when the address has no feed.json (404)", async () => {
    const base = await serve((_request, response) => {
      response.statusCode = 404;
      response.end();
    });
    const result = await repo.feedwright("verify", base);
    expect(result.stderr).toBe(`error: no feed.json at ${base}\n`);
    expect(result.code).toBe(1);
  });

  it("says feed.json is not JSON when the address answers a web page", async () => {
    const base = await serve((_request, response) => {
      response.setHeader("Content-Type", "text/html");
      response.end("<!doctype html><title>Welcome</title>\n");
    });
    const result = await repo.feedwright("verify", base);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL {2}parses +feed\.json: not JSON: .* \(starts "<!doctype html><title>Welcome/m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("fails the one file that could not be fetched and checks the rest", async () => {
    const base = await serve((request, response) => {
      const file = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname).slice(1);
      if (file === "plugins/demo/demo-v1.0.0.zip") {
        response.statusCode = 503;
        response.end();
        return;
      }
      try {
        response.end(readFileSync(path.join(dist, file)));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    const result = await repo.feedwright("verify", base);
    expect(result.code).toBe(1);
    expect(failedRows(result.stdout)).toEqual([["package present", "plugins/demo/demo-v1.0.0.zip"]]);
    expect(result.stdout).toContain(
      // A package is asked for as a site on its release would (?installed=): a halted rollout serves it too.
      `plugins/demo/demo-v1.0.0.zip: could not fetch ${base}plugins/demo/demo-v1.0.0.zip?installed=1.0.0: HTTP 503 Service Unavailable`,
    );
  });

  it("checks every JSON document the manifest lists, over HTTP too", async () => {
    const tampered = tamperedCopy((folder) =>
      editJson(folder, "plugins/demo/check-update.json", (check) => {
        check.force_update = true;
      }),
    );
    const base = await serve((request, response) => {
      const file = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname).slice(1);
      try {
        response.end(readFileSync(path.join(tampered, file)));
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    const result = await repo.feedwright("verify", base);
    expect(result.code).toBe(1);
    expect(failedRows(result.stdout)).toEqual([
      ["manifest matches file", "plugins/demo/check-update.json"],
      ["feed matches document", "plugins/demo/check-update.json"],
    ]);
  });
});

describe("verify reads only below the address or folder it was given", () => {
  it("refuses a path from a document that leads to another host, without asking it", async () => {
    const { urlSource, folderSource } = await import("../scripts/verify.ts");
    const source = urlSource("http://127.0.0.1:9/feed/");
    for (const hostile of ["//127.0.0.2/x.json", "http://127.0.0.3/x.json", "../x.json", "/x.json"]) {
      await expect(source.read(hostile), hostile).rejects.toThrow(
        /refusing to fetch .*: it is outside http:\/\/127\.0\.0\.1:9\/feed\//,
      );
    }
    await expect(folderSource("/tmp/nowhere").read("../etc/passwd")).rejects.toThrow(/outside/);
  });
});
