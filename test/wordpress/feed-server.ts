/**
 * The feed side of the WordPress tests: a built folder served the way `npm run dev` serves it
 * (static files plus the Worker for /api/* and packages, wrangler's local runtime, local KV),
 * API keys issued with `feedwright sites add --local`, the installations read back from
 * local KV, and a plain static server for folders that must not go through the Worker.
 */
import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { OFFLINE_ENV } from "../../scripts/io/wrangler.ts";
import { listKvKeys } from "../../scripts/sites.ts";
import {
  freePort,
  type Service,
  startService,
  startWordPress,
  type WordPressOptions,
  type WordPressSite,
  waitFor,
} from "./harness.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface FeedServer {
  url: string;
  port: number;
  service: Service;
  stop(): Promise<void>;
}

export interface FeedServerOptions {
  distDir: string;
  stateDir: string;
  adminToken: string;
  /** Enables signed URLs for private plugins. */
  downloadUrlKey?: string;
  port?: number;
  logFile?: string;
}

/**
 * The feed server and a WordPress site, started at once (each takes seconds). When one fails
 * to start, the other is stopped before the error is thrown, so nothing is left running.
 */
export async function startFeedServerAndWordPress(
  feed: FeedServerOptions,
  wordpress: WordPressOptions,
): Promise<{ server: FeedServer; site: WordPressSite }> {
  const [server, site] = await Promise.allSettled([startFeedServer(feed), startWordPress(wordpress)]);
  if (server.status === "fulfilled" && site.status === "fulfilled") return { server: server.value, site: site.value };
  await Promise.allSettled(
    [server, site].flatMap((started) => (started.status === "fulfilled" ? [started.value.stop()] : [])),
  );
  throw server.status === "rejected" ? server.reason : (site as PromiseRejectedResult).reason;
}

/** `npm run dev -- --no-build`: serve a built folder with the Worker on 127.0.0.1. */
export async function startFeedServer(options: FeedServerOptions): Promise<FeedServer> {
  const port = options.port ?? (await freePort());
  const service = startService(
    "npm run dev",
    process.execPath,
    [
      path.join(ROOT, "scripts", "dev", "dev-server.ts"),
      "--no-build",
      "--out",
      options.distDir,
      "--port",
      String(port),
      "--persist-to",
      options.stateDir,
    ],
    {
      cwd: ROOT,
      // The secrets go in the environment: scripts/dev/dev-server.ts refuses them on the command line.
      env: {
        ...process.env,
        ...OFFLINE_ENV,
        ADMIN_TOKEN: options.adminToken,
        // Unset when not given (spawn leaves out undefined), so private downloads stay off.
        DOWNLOAD_URL_KEY: options.downloadUrlKey,
      },
      ...(options.logFile ? { logFile: options.logFile } : {}),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `npm run dev on ${url}`,
      async () => {
        if (service.child.exitCode !== null) throw new Error(`it exited:\n${service.output().slice(-3000)}`);
        return (await fetch(`${url}/feed.json`)).ok ? true : null;
      },
      { timeoutMs: 90_000, intervalMs: 300 },
    );
  } catch (error) {
    await service.stop();
    throw error;
  }
  return { url, port, service, stop: () => service.stop() };
}

/** `feedwright sites add <site> --slug <slug> --persist-to <state>`: the API key it prints. */
export async function addSite(stateDir: string, siteId: string, slug: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [
      path.join(ROOT, "scripts", "bin", "feedwright.js"),
      "sites",
      "add",
      siteId,
      "--slug",
      slug,
      "--persist-to",
      stateDir,
    ],
    { cwd: ROOT, env: { ...process.env, ...OFFLINE_ENV }, timeout: 60_000 },
  );
  return stdout.trim();
}

export interface KvKey {
  name: string;
  expiration?: number;
  metadata?: Record<string, unknown>;
}

/** The keys of the Worker's INSTALLATIONS namespace in local KV, with their metadata. */
export async function listInstallations(stateDir: string, prefix: string): Promise<KvKey[]> {
  return (await listKvKeys({ remote: false, persistTo: stateDir }, prefix)) as KvKey[];
}

/** A static file server for a folder on 127.0.0.1 (GET and HEAD; nothing else). */
export async function serveFolder(
  folder: string,
): Promise<{ url: string; close(): Promise<void>; requests: string[] }> {
  const requests: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    requests.push(pathname);
    const file = path.join(folder, path.normalize(pathname).replace(/^(\.\.[/\\])+/, ""));
    const info = file.startsWith(folder) ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    response.writeHead(200, { "content-length": info.size, "content-type": "application/octet-stream" });
    if (request.method === "HEAD") response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
