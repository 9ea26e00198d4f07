/**
 * Against `npm run dev` itself (wrangler's local runtime, local KV and Durable Objects): the
 * original service's verification commands, site keys from the CLI, concurrent load, and a
 * fuzz run. Every server here listens on 127.0.0.1 and is stopped by its PID.
 */
import { type ChildProcess, execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateApiKey } from "../scripts/sites.ts";
import { freePort, processTree } from "./support/processes.ts";
import { PROTOTYPE_NAMES } from "./support/prototype-names.ts";
import { TEST_ENV } from "./support/scratch-repo.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(ROOT, "scripts/bin/feedwright.js");
const SLUG = "igny8-wp-bridge";
// "$HOME" in it: wrangler expands $NAME in the file scripts/dev/dev-server.ts hands it, which must not happen.
const ADMIN_TOKEN = `${randomBytes(16).toString("hex")}-$HOME`;

let server: ChildProcess | null = null;
let base: string;
let work: string;
let port: number;

/** Keys the load test uses; stored before the server starts. */
const LOAD_SITES = Array.from({ length: 500 }, (_, index) => ({
  site_id: `load-${index}`,
  api_key: generateApiKey(),
  slug: SLUG,
}));
/** Sites whose health checks keep the server busy while `feedwright sites` writes (their own, so the load test's counts stay its own). */
const BUSY_SITES = Array.from({ length: 8 }, (_, index) => ({
  site_id: `busy-${index}`,
  api_key: generateApiKey(),
  slug: SLUG,
}));
let cliKey: string;

function feedwright(...args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: TEST_ENV, encoding: "utf8", stdio: "pipe" });
}

/** The same, without blocking this process, so requests to the server go on meanwhile. */
function feedwrightAsync(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [CLI, ...args], { cwd: ROOT, env: TEST_ENV, encoding: "utf8" });
}

const stateArgs = () => ["--persist-to", path.join(work, "state")];

async function stats(): Promise<{
  installations: number;
  health: Record<string, number>;
  downloads: { total: number };
}> {
  const response = await fetch(`${base}/api/plugins/${SLUG}/stats/?refresh=1`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as never;
}

/** `npm run dev` on its own port and state folder (the `feedwright sites` commands use it too). */
async function startServer(build: boolean): Promise<void> {
  server = spawn(
    "npm",
    [
      "run",
      "dev",
      "--",
      "--port",
      String(port),
      "--out",
      path.join(work, "dist"),
      ...stateArgs(),
      ...(build ? [] : ["--no-build"]),
    ],
    // The admin token from the environment, never on a command line (see the test below).
    { cwd: ROOT, env: { ...TEST_ENV, ADMIN_TOKEN }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let log = "";
  server.stdout?.on("data", (chunk) => {
    log += chunk;
  });
  server.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`npm run dev did not answer within 90 s:\n${log}`);
    const ready = await fetch(`${base}/feed.json`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Stop the whole process group (npm, scripts/dev/dev-server.ts, wrangler, workerd), all started here. */
async function stopServer(): Promise<void> {
  const running = server;
  if (!running?.pid) return;
  server = null;
  const exited = new Promise((resolve) => running.on("exit", resolve));
  process.kill(-running.pid, "SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  // Wait until the port is free again before anything restarts on it.
  for (let attempt = 0; attempt < 50; attempt++) {
    const down = await fetch(`${base}/feed.json`).then(
      () => false,
      () => true,
    );
    if (down) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "feedwright-dev-"));
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  cliKey = feedwright("sites", "add", "cli-site", "--slug", SLUG, ...stateArgs()).trim();
  const file = path.join(work, "sites.json");
  writeFileSync(file, JSON.stringify([...LOAD_SITES, ...BUSY_SITES]));
  feedwright("sites", "import", file, ...stateArgs());
  await startServer(true);
}, 180_000);

afterAll(async () => {
  await stopServer();
  rmSync(work, { recursive: true, force: true });
});

describe("the original service's verification commands, pointed at npm run dev", () => {
  const curl = (...args: string[]) => execFileSync("curl", args, { encoding: "utf8" });
  const jsonTool = (text: string) =>
    JSON.parse(execFileSync("python3", ["-m", "json.tool"], { input: text, encoding: "utf8" }));

  it("download returns 200 and the package", () => {
    const out = curl(
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code} - %{size_download} bytes\n",
      `${base}/api/plugins/${SLUG}/download/`,
    );
    expect(out).toMatch(/^200 - \d{4,} bytes\n$/);
    expect(curl("-sI", `${base}/api/plugins/${SLUG}/download/`)).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*content-disposition: attachment; filename="igny8-wp-bridge-v1\.2\.0\.zip"/i,
    );
  });

  it("check-update shows the latest version", () => {
    const body = jsonTool(curl("-s", `${base}/api/plugins/${SLUG}/check-update/?current_version=1.0.0`));
    expect(body).toMatchObject({
      update_available: true,
      current_version: "1.0.0",
      latest_version: "1.2.0",
      latest_version_code: 10200,
      download_url: `${base}/api/plugins/${SLUG}/download/?version=1.2.0`,
      info_url: `${base}/api/plugins/${SLUG}/info/`,
      force_update: false,
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("info shows the version", () => {
    const body = jsonTool(curl("-s", `${base}/api/plugins/${SLUG}/info/`));
    expect(body).toMatchObject({
      name: "IGNY8 WordPress Bridge",
      slug: SLUG,
      version: "1.2.0",
      author: "IGNY8",
      requires_php: "7.4",
      tested_wp: "6.7",
    });
  });
});

describe("issue 11 item 5: npm run dev serves documents whose URLs lead back to it", () => {
  it("info.json, check-update.json, the Worker's /info/ and releases.json point at the dev server, not api_base", async () => {
    const json = async (file: string) => (await fetch(`${base}/${file}`)).json() as Promise<Record<string, unknown>>;
    const download = `${base}/api/plugins/${SLUG}/download/?version=1.2.0`;
    expect(await json(`plugins/${SLUG}/info.json`)).toMatchObject({ download_url: download });
    expect(await json(`api/plugins/${SLUG}/info/`)).toMatchObject({ download_url: download });
    expect(await json(`plugins/${SLUG}/check-update.json`)).toMatchObject({
      download_url: download,
      info_url: `${base}/api/plugins/${SLUG}/info/`,
    });
    const releases = (await json(`plugins/${SLUG}/releases.json`)) as { releases: { url: string | null }[] };
    expect(releases.releases.map((release) => release.url).filter(Boolean)).toEqual(
      expect.arrayContaining([`${base}/plugins/${SLUG}/${SLUG}-v1.2.0.zip`]),
    );
    // The URL it hands out answers, here.
    const answer = await fetch(download);
    expect(answer.status).toBe(200);
    await answer.arrayBuffer();
  });
});

describe("issue 9 item 12: npm run dev takes its secrets from the environment or .dev.vars", () => {
  it("puts the admin token on no process's command line, and the server accepts it", async () => {
    const tree = processTree(server?.pid ?? 0);
    expect(tree.map((entry) => entry.cmdline).join("\n")).toMatch(/workerd/);
    expect(tree.length).toBeGreaterThanOrEqual(4);
    const secretPart = ADMIN_TOKEN.slice(0, 32);
    for (const entry of tree) expect(entry.cmdline, entry.cmdline).not.toContain(secretPart);
    // wrangler reads it from a private file that only the user can read.
    const envFile = /--env-file (\S+)/.exec(tree.map((entry) => entry.cmdline).join("\n"))?.[1] ?? "";
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(envFile)).mode & 0o777).toBe(0o700);
    expect((await stats()).installations).toEqual(expect.any(Number));
    const wrong = await fetch(`${base}/api/plugins/${SLUG}/stats/`, { headers: { authorization: "Bearer wrong" } });
    expect(wrong.status).toBe(403);
  });

  it("refuses --admin-token and --download-url-key with the way to pass them instead", () => {
    for (const option of ["--admin-token", "--download-url-key"]) {
      const run = spawnSync(
        process.execPath,
        ["scripts/dev/dev-server.ts", option, "not-a-real-secret", "--no-build"],
        {
          cwd: ROOT,
          env: TEST_ENV,
          encoding: "utf8",
        },
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/command line/);
      expect(run.stderr).toMatch(/worker\/\.dev\.vars/);
    }
  });
});

describe("issue 11 item 10: site keys from the CLI while npm run dev serves", () => {
  it("issues 20 keys in one `feedwright sites add`, 60 in three at once, and revokes one while the server runs under load; each works at once", async () => {
    const register = (siteId: string, apiKey: string) =>
      fetch(`${base}/api/plugins/${SLUG}/register/`, {
        method: "POST",
        headers: { authorization: `Api-Key ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ site_id: siteId, version: "1.2.0", wp_version: "6.7", php_version: "8.2" }),
      });
    // A key stored before the server started (beforeAll).
    expect((await register("cli-site", cliKey)).status).toBe(201);

    // Load on the server's KV the whole time: health checks from sites with imported keys.
    let loading = true;
    const loadStatuses: (number | string)[] = [];
    const load = Promise.all(
      BUSY_SITES.map(async (site) => {
        while (loading) {
          const status = await fetch(`${base}/api/plugins/${SLUG}/health-check/`, {
            method: "POST",
            headers: { authorization: `Api-Key ${site.api_key}`, "content-type": "application/json" },
            body: JSON.stringify({ site_id: site.site_id, version: "1.1.1", status: "active" }),
          }).then(
            (response) => response.status,
            (error: Error) => `${error.message} ${String((error.cause as Error | undefined)?.message ?? "")}`,
          );
          loadStatuses.push(status);
        }
      }),
    );
    try {
      const siteIds = Array.from({ length: 20 }, (_, index) => `live-${index}`);
      const started = performance.now();
      const { stdout } = await feedwrightAsync("sites", "add", ...siteIds, "--slug", SLUG, ...stateArgs());
      const seconds = (performance.now() - started) / 1000;
      console.log(`sites add: 20 keys in one process in ${seconds.toFixed(1)} s, beside the running dev server`);
      const issued = stdout
        .trim()
        .split("\n")
        .map((line) => line.split("\t") as [string, string]);
      expect(issued.map(([siteId]) => siteId)).toEqual(siteIds);
      const statuses = await Promise.all(issued.map(([siteId, apiKey]) => register(siteId, apiKey)));
      expect(statuses.map((response) => response.status)).toEqual(siteIds.map(() => 201));
      // One process for all 20 (wrangler's CLI took seconds for each).
      expect(seconds).toBeLessThan(20);

      // Three at once take turns at the state folder's files with each other and the server.
      const batches = await Promise.all(
        [0, 1, 2].map((batch) =>
          feedwrightAsync(
            "sites",
            "add",
            ...Array.from({ length: 20 }, (_, index) => `batch-${batch}-${index}`),
            "--slug",
            SLUG,
            ...stateArgs(),
          ),
        ),
      );
      const batchKeys = batches.flatMap(({ stdout }) =>
        stdout
          .trim()
          .split("\n")
          .map((line) => line.split("\t") as [string, string]),
      );
      expect(batchKeys).toHaveLength(60);
      const batchStatuses = await Promise.all(batchKeys.map(([siteId, apiKey]) => register(siteId, apiKey)));
      expect(batchStatuses.filter((response) => response.status !== 201)).toEqual([]);

      expect((await feedwrightAsync("sites", "list", ...stateArgs())).stdout).toMatch(/^live-19\tigny8-wp-bridge\t/m);
      await feedwrightAsync("sites", "revoke", "cli-site", ...stateArgs());
      const refused = await register("cli-site", cliKey);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: { code: "unauthorized", message: "unknown or revoked API key" } });
      expect((await feedwrightAsync("sites", "list", ...stateArgs())).stdout).not.toContain("cli-site");
    } finally {
      loading = false;
      await load;
    }
    // The server kept answering while the CLI wrote to the same state folder.
    expect(loadStatuses.length).toBeGreaterThan(20);
    expect(loadStatuses.filter((status) => status !== 200)).toEqual([]);
  }, 180_000);
});

describe("load", () => {
  it("lands 500 concurrent registers and 500 health checks from distinct sites", async () => {
    const before = await stats();
    const sites = LOAD_SITES;
    const post = (action: string, site: (typeof sites)[number], body: object) =>
      fetch(`${base}/api/plugins/${SLUG}/${action}/`, {
        method: "POST",
        headers: { authorization: `Api-Key ${site.api_key}`, "content-type": "application/json" },
        body: JSON.stringify({ site_id: site.site_id, ...body }),
      }).then((response) => response.status);
    const started = performance.now();
    const registered = await Promise.all(
      sites.map((site) => post("register", site, { version: "1.1.1", php_version: "8.2" })),
    );
    const checked = await Promise.all(
      sites.map((site, index) =>
        post("health-check", site, { version: index % 2 ? "1.2.0" : "1.1.1", status: "active" }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    expect(registered.filter((status) => status === 201)).toHaveLength(500);
    expect(checked.filter((status) => status === 200)).toHaveLength(500);
    const after = await stats();
    expect(after.installations - before.installations).toBe(500);
    expect((after.health.healthy ?? 0) - (before.health.healthy ?? 0)).toBe(250);
    console.log(`1000 calls from 500 sites in ${seconds.toFixed(1)} s`);
  });

  it("counts 200 concurrent downloads", async () => {
    const before = (await stats()).downloads.total;
    const statuses = await Promise.all(
      Array.from({ length: 200 }, () =>
        fetch(`${base}/api/plugins/${SLUG}/download/?version=1.1.1`).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        }),
      ),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect((await stats()).downloads.total - before).toBe(200);
  });
});

describe("fuzz", () => {
  it("answers 5,000 random and malformed requests without a 5xx, API errors always as JSON (issue 9 item 3: names from Object.prototype too)", async () => {
    // mulberry32: a seeded generator, so a failing run can be replayed.
    let seed = 20261121;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const junk = (length: number) =>
      Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 0x2fff))).join("");
    // Mostly real routes, so the handlers (not just the router) meet the junk.
    const slugs = [
      ...Array(12).fill(SLUG),
      "nope",
      "",
      "..",
      "%2e%2e",
      "A",
      "x".repeat(300),
      "igny8-wp-bridge%00",
      encodeURIComponent(junk(5)),
    ];
    const actions = [
      ...Array(4).fill("check-update"),
      "register",
      "health-check",
      "download",
      "info",
      "download",
      "register",
      "health-check",
      "stats",
      "",
      "nope",
      "..",
      "check-update%2F..",
    ];
    // Names every plain object answers for (constructor, toString, __proto__, ...), drawn as
    // actions, slugs, versions, query keys and body keys (issue 9 item 3).
    const protoName = () => encodeURIComponent(pick(PROTOTYPE_NAMES));
    const protoQueries = () => [
      `?${protoName()}=1.0.0`,
      `?current_version=1.0.0&${protoName()}=x`,
      `?version=${protoName()}`,
      `?current_version=${protoName()}`,
      `?channel=${protoName()}&current_version=1.0.0`,
    ];
    const protoBodies = () => {
      const name = pick(PROTOTYPE_NAMES);
      return [
        JSON.stringify({ [name]: { current_version: "1.0.0", site_id: "load-1", version: "1.0.0" } }),
        JSON.stringify({ current_version: name, site_id: name, version: name, status: name, channel: name }),
        `${encodeURIComponent(name)}=1.0.0&current_version=1.0.0`,
      ];
    };
    const queries = [
      "",
      "?current_version=1.0.0",
      "?current_version=",
      "?current_version=9999999999.1.1",
      `?current_version=${encodeURIComponent(junk(20))}`,
      "?version=../../feed.json",
      "?channel=beta&current_version=1.1.1",
      "?site_id=%00&current_version=1.0.0",
      `?${"a=1&".repeat(500)}`,
      "?expires=1&signature=zz",
    ];
    const bodies = [
      undefined,
      "",
      "{",
      "[]",
      "null",
      '{"site_id":{},"version":[]}',
      '{"site_id":"a","version":"1.0.0","status":"error"}',
      junk(100),
      "x".repeat(20_000),
      JSON.stringify({ current_version: 5 }),
    ];
    const methods = ["GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
    const auths = [
      undefined,
      "Api-Key",
      "Api-Key short",
      `Api-Key ${junk(30)}`,
      "Bearer x",
      `Bearer ${ADMIN_TOKEN}x`,
      "Basic Zm9vOmJhcg==",
      // Real credentials, so register, health-check and stats read the junk too.
      `Api-Key ${LOAD_SITES[1]?.api_key}`,
      `Bearer ${ADMIN_TOKEN}`,
    ];

    const problems: string[] = [];
    // 5xx from the local runtime's own static-asset server (a path such as /api/plugins/../..
    // normalises to "/", which the Worker never sees): not this project's code, so counted and
    // printed, not failed. Seen once, under load, as miniflare's "Network connection lost".
    const runtimeFaults: string[] = [];
    let sent = 0;
    let protoActions = 0;
    const statuses = new Map<number, number>();
    const one = async () => {
      const method = pick(methods);
      const slug = random() < 0.15 ? protoName() : pick(slugs);
      const action = random() < 0.3 ? protoName() : pick(actions);
      if (PROTOTYPE_NAMES.includes(decodeURIComponent(action))) protoActions += 1;
      const pathname =
        random() < 0.9
          ? `/api/plugins/${slug}/${action}${random() < 0.5 ? "/" : ""}`
          : pick(["/api/", "/api/plugins/", "/plugins/igny8-wp-bridge/x.zip", "/plugins/../feed.json.zip"]);
      const headers: Record<string, string> = {};
      const auth = pick(auths);
      if (auth && /^[\x20-\x7e]*$/.test(auth)) headers.authorization = auth;
      if (random() < 0.5)
        headers["content-type"] = pick(["application/json", "application/x-www-form-urlencoded", "text/plain"]);
      const body = method === "GET" || method === "HEAD" ? undefined : pick(random() < 0.3 ? protoBodies() : bodies);
      const url = new URL(`${base}${pathname}${pick(random() < 0.3 ? protoQueries() : queries)}`);
      const response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      sent += 1;
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) {
        const ours = response.headers.get("x-served-by") === "feedwright-worker" || url.pathname.startsWith("/api/");
        (ours ? problems : runtimeFaults).push(`${method} ${url.pathname}: ${response.status} ${text.slice(0, 200)}`);
      }
      // Judged by the path the server saw: "/api/plugins/../.." is "/", a static path.
      if (response.status >= 400 && method !== "HEAD" && url.pathname.startsWith("/api/")) {
        try {
          const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
          if (typeof parsed.error?.code !== "string" || typeof parsed.error?.message !== "string")
            problems.push(`${method} ${pathname}: not the error shape: ${text.slice(0, 200)}`);
        } catch {
          problems.push(`${method} ${pathname}: ${response.status} not JSON: ${text.slice(0, 200)}`);
        }
      }
    };
    const deadline = Date.now() + 240_000;
    const workers = Array.from({ length: 25 }, async () => {
      while (sent < 5000 && Date.now() < deadline) await one();
    });
    await Promise.all(workers);
    console.log(
      `fuzz: ${sent} requests (${protoActions} with an Object.prototype name as the action), statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    if (runtimeFaults.length > 0)
      console.log(`fuzz: local static-asset server faults (not the Worker): ${runtimeFaults.join("; ")}`);
    expect(runtimeFaults.length).toBeLessThanOrEqual(3);
    expect(sent).toBeGreaterThanOrEqual(5000);
    expect(problems.slice(0, 10)).toEqual([]);
  }, 300_000);
});
