/**
 * The Worker as `npm run bench:health` runs it: feedwright's own Worker (worker/src/index.ts)
 * with its history Durable Object given one more method, `simulate`, that writes a simulated
 * plugin's year inside the object (no request per site), and a /__bench/ route to call it and
 * read the object's storage size. Only the benchmark's own config loads this file; it is never
 * deployed.
 */
import { DOWNLOAD_KINDS } from "../../scripts/contract/index.ts";
import { addDays, PluginHistory } from "../src/history.ts";
import worker, { type Env } from "../src/index.ts";

const HEALTHS = ["healthy", "outdated", "error"] as const;

export class DownloadCounter extends PluginHistory {
  /** Sites [from, to) register on `day`, spread over versions, WordPress and PHP versions. */
  simulateSites(from: number, to: number, day: string, versions: string[], ttlDays: number): void {
    for (let index = from; index < to; index++) {
      this.recordReport(
        {
          siteId: `site-${index}`,
          version: versions[index % versions.length] ?? "1.0.0",
          health: HEALTHS[index % 17 === 0 ? 2 : index % 3 === 0 ? 1 : 0] ?? "healthy",
          wpVersion: `6.${index % 12}.${index % 5}`,
          phpVersion: `${7 + (index % 2)}.${index % 4}.${index % 9}`,
          registered: day,
        },
        `${day}T08:00:00.000Z`,
        ttlDays,
      );
    }
  }

  /**
   * One simulated day: every site is seen (what its unchanged daily report does, in one
   * statement), `changes` sites report a new version or health, `downloads` downloads of both kinds.
   */
  simulateDay(day: string, sites: number, versions: string[], changes: number, downloads: number, ttlDays: number) {
    const sql = this.ctx.storage.sql;
    const seed = Date.parse(`${day}T00:00:00Z`) / 86_400_000;
    for (let change = 0; change < changes; change++) {
      const index = (seed * 7919 + change * 104_729) % sites;
      this.recordReport(
        {
          siteId: `site-${index}`,
          version: versions[(seed + change) % versions.length] ?? "1.0.0",
          health: HEALTHS[(seed + change) % 11 === 0 ? 2 : (seed + change) % 4 === 0 ? 1 : 0] ?? "healthy",
          wpVersion: `6.${index % 12}.${index % 5}`,
          phpVersion: `${7 + (index % 2)}.${index % 4}.${index % 9}`,
          registered: "2000-01-01",
        },
        `${day}T09:00:00.000Z`,
        ttlDays,
      );
    }
    sql.exec("UPDATE sites SET seen = ?", day);
    for (let download = 0; download < downloads; download++) {
      this.recordDownload(
        {
          at: `${day}T${String(download % 24).padStart(2, "0")}:00:00.000Z`,
          version: versions[(seed + download) % versions.length] ?? "1.0.0",
          kind: DOWNLOAD_KINDS[download % 2] ?? "manual",
          userAgent: `WordPress/6.${download % 12}; https://site-${download}.example`,
          address: `198.51.${download % 256}.0/24`,
        },
        ttlDays,
      );
    }
  }
}

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith("/__bench/")) return worker.fetch(request, env, ctx);
    const stub = env.DOWNLOAD_COUNTER.get(
      env.DOWNLOAD_COUNTER.idFromName(url.searchParams.get("slug") ?? ""),
    ) as unknown as DurableObjectStub<DownloadCounter>;
    // biome-ignore lint/suspicious/noExplicitAny: the benchmark script's own request bodies
    const body = (request.method === "POST" ? await request.json() : {}) as Record<string, any>;
    if (url.pathname === "/__bench/sites") {
      await stub.simulateSites(body.from, body.to, body.day, body.versions, body.ttlDays);
    } else if (url.pathname === "/__bench/days") {
      for (let day: string = body.first, n = 0; n < body.count; n++, day = addDays(day, 1)) {
        await stub.simulateDay(day, body.sites, body.versions, body.changes, body.downloads, body.ttlDays);
      }
    } else if (url.pathname === "/__bench/storage") {
      return Response.json(await stub.storageFigures());
    }
    return Response.json({ ok: true });
  },
} satisfies ExportedHandler<Env>;
