/**
 * Exact download counts live in a SQLite Durable Object per plugin, where increments are
 * atomic; a KV key could lose concurrent increments.
 */
import { DurableObject } from "cloudflare:workers";
import { VERIFY_REQUEST_HEADER } from "../../scripts/contract/index.ts";

export type DownloadKind = "manual" | "auto_update";

export interface DownloadRow {
  version: string;
  day: string;
  kind: DownloadKind;
  count: number;
}

export class DownloadCounter extends DurableObject<Record<string, never>> {
  constructor(ctx: DurableObjectState, env: Record<string, never>) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS downloads (version TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (version, day, kind))",
    );
  }

  record(version: string, day: string, kind: DownloadKind): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO downloads (version, day, kind, count) VALUES (?, ?, ?, 1) ON CONFLICT (version, day, kind) DO UPDATE SET count = count + 1",
      version,
      day,
      kind,
    );
  }

  rows(): DownloadRow[] {
    return this.ctx.storage.sql
      .exec<{ version: string; day: string; kind: string; count: number }>(
        "SELECT version, day, kind, count FROM downloads ORDER BY day, version, kind",
      )
      .toArray()
      .map((row) => ({ version: row.version, day: row.day, kind: row.kind as DownloadKind, count: row.count }));
  }
}

/** WordPress core fetches updates with a "WordPress/x.y; url" user agent; a person's browser does not. */
export function downloadKind(request: Request, url: URL): DownloadKind {
  const declared = url.searchParams.get("type");
  if (declared === "auto_update" || declared === "manual") return declared;
  return /^WordPress\//.test(request.headers.get("user-agent") ?? "") ? "auto_update" : "manual";
}

/**
 * Whether serving a package to this request is a download to count: a GET (a HEAD fetches
 * nothing) that is not `feedwright verify` checking the published packages (it says so with
 * the contract's VERIFY_REQUEST_HEADER; sending it gains nothing but not being counted).
 */
export function isCountedDownload(request: Request): boolean {
  return request.method === "GET" && !request.headers.has(VERIFY_REQUEST_HEADER);
}
