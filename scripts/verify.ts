/**
 * `feedwright verify`: the original post-release checklist, automated, against a built
 * folder or a deployed URL. Every check is a row; any failed row fails the command.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { unzipSync } from "fflate";
import { checkPackagedMainFile } from "./core/packaging.ts";
import { findValidSignature, type PublicKey } from "./core/signing.ts";

export interface CheckRow {
  check: string;
  subject: string;
  ok: boolean;
  detail: string;
}

export interface FeedSource {
  label: string;
  /** The bytes at a path of the published folder, or null when there is none. */
  read(relativePath: string): Promise<Buffer | null>;
}

export function folderSource(folder: string): FeedSource {
  return {
    label: folder,
    read: (relativePath) => readFile(path.join(folder, relativePath)).catch(() => null),
  };
}

export function urlSource(baseUrl: string): FeedSource {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return {
    label: base,
    async read(relativePath) {
      const response = await fetch(new URL(relativePath, base), { redirect: "follow" });
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`GET ${relativePath}: HTTP ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    },
  };
}

interface FeedChannel {
  version: string;
  sha256: string;
  size: number;
  url: string;
}

interface Feed {
  serial: number;
  expires: string;
  keys: { id: string; public_key: string; role: string }[];
  plugins: Record<
    string,
    { channels: Partial<Record<"stable" | "beta", FeedChannel>>; releases?: { url: string; sha256: string | null } }
  >;
}

interface ReleasesDocument {
  api_base: string;
  main_file: string;
  version_constant: string;
  updater_path?: string | null;
  platform: string;
  releases: {
    version: string;
    packaged: boolean;
    file: string | null;
    sha256: string | null;
    md5: string | null;
    size: number | null;
  }[];
}

export async function verifyFeed(
  source: FeedSource,
  options: { trusted: PublicKey[]; now: Date; minSerial?: number },
): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  const record = (check: string, subject: string, ok: boolean, detail: string) =>
    rows.push({ check, subject, ok, detail });
  const readJson = async <T>(relativePath: string): Promise<T | null> => {
    const bytes = await source.read(relativePath);
    if (!bytes) {
      record("present", relativePath, false, "missing");
      return null;
    }
    try {
      return JSON.parse(bytes.toString("utf8")) as T;
    } catch (error) {
      record("parses", relativePath, false, `not JSON: ${(error as Error).message}`);
      return null;
    }
  };

  const feedBytes = await source.read("feed.json");
  const feedSignature = await source.read("feed.json.sig");
  if (!feedBytes || !feedSignature) {
    record("feed signature", "feed.json", false, `missing ${!feedBytes ? "feed.json" : "feed.json.sig"}`);
    return rows;
  }
  const signer = findValidSignature(feedBytes, feedSignature.toString("utf8"), options.trusted);
  record(
    "feed signature",
    "feed.json.sig",
    signer !== null,
    signer
      ? `signed by trusted key ${signer.id}`
      : `no line verifies with a trusted key (${options.trusted.map((k) => k.id).join(", ")})`,
  );
  const feed = await readJson<Feed>("feed.json");
  if (!feed) return rows;
  const serialOk = Number.isSafeInteger(feed.serial) && feed.serial > 0 && feed.serial >= (options.minSerial ?? 0);
  record(
    "feed serial",
    "feed.json",
    serialOk,
    options.minSerial !== undefined
      ? `serial ${feed.serial}, at least ${options.minSerial} required`
      : `serial ${feed.serial}`,
  );
  const expires = Date.parse(feed.expires);
  record(
    "feed expiry",
    "feed.json",
    Number.isFinite(expires) && expires > options.now.getTime(),
    `expires ${feed.expires}${Number.isFinite(expires) && expires <= options.now.getTime() ? " (expired)" : ""}`,
  );

  for (const [slug, entry] of Object.entries(feed.plugins)) {
    const folder = `plugins/${slug}`;
    const releasesBytes = await source.read(`${folder}/releases.json`);
    const releasesDigest = releasesBytes ? createHash("sha256").update(releasesBytes).digest("hex") : null;
    record(
      "feed matches releases.json",
      `${folder}/releases.json`,
      releasesDigest !== null && releasesDigest === entry.releases?.sha256,
      releasesDigest === null
        ? "missing"
        : `sha256 ${releasesDigest.slice(0, 16)}…, feed says ${entry.releases?.sha256?.slice(0, 16) ?? "nothing"}…`,
    );
    const releases = await readJson<ReleasesDocument>(`${folder}/releases.json`);
    if (!releases) continue;
    const zipFacts = new Map<string, { sha256: string; size: number }>();
    for (const release of releases.releases.filter((candidate) => candidate.packaged && candidate.file)) {
      const file = `${folder}/${release.file}`;
      const zip = await source.read(file);
      if (!zip) {
        record("package present", file, false, "missing");
        continue;
      }
      const sha256 = createHash("sha256").update(zip).digest("hex");
      const md5 = createHash("md5").update(zip).digest("hex");
      zipFacts.set(release.version, { sha256, size: zip.length });
      record(
        "package sha256",
        file,
        sha256 === release.sha256,
        `${sha256}${sha256 === release.sha256 ? "" : `, releases.json says ${release.sha256}`}`,
      );
      record(
        "package md5",
        file,
        md5 === release.md5,
        `${md5}${md5 === release.md5 ? "" : `, releases.json says ${release.md5}`}`,
      );
      record(
        "package size",
        file,
        zip.length === release.size,
        `${zip.length} bytes${zip.length === release.size ? "" : `, releases.json says ${release.size}`}`,
      );
      const checksumFile = (await source.read(`${file}.sha256`))?.toString("utf8");
      const expectedLine = `${sha256}  ${release.file}\n`;
      record(
        "checksum file",
        `${file}.sha256`,
        checksumFile === expectedLine,
        checksumFile === undefined ? "missing" : checksumFile.trim(),
      );
      const signature = (await source.read(`${file}.sig`))?.toString("utf8");
      const packageSigner = signature ? findValidSignature(zip, signature, options.trusted) : null;
      record(
        "package signature",
        `${file}.sig`,
        packageSigner !== null,
        signature === undefined
          ? "missing"
          : packageSigner
            ? `signed by trusted key ${packageSigner.id}`
            : "no line verifies with a trusted key",
      );
      if (releases.platform === "wordpress") {
        const problems = mainFileProblems(zip, slug, release.version, releases);
        record(
          "packaged main file",
          `${file}:${slug}/${releases.main_file}`,
          problems.length === 0,
          problems.join("; ") || `version ${release.version} and ${releases.api_base}`,
        );
      }
    }

    for (const channel of ["stable", "beta"] as const) {
      const pinned = entry.channels[channel];
      if (!pinned) continue;
      const built = zipFacts.get(pinned.version);
      const agrees = built !== undefined && built.sha256 === pinned.sha256 && built.size === pinned.size;
      record(
        "feed matches package",
        `feed.json ${slug} ${channel}`,
        agrees,
        `${pinned.version} ${pinned.sha256.slice(0, 16)}… ${pinned.size} bytes${built ? "" : " (no such package)"}`,
      );
      const suffix = channel === "stable" ? "" : "-beta";
      const info = await readJson<{ version: string; checksum: string; file_size: number }>(
        `${folder}/info${suffix}.json`,
      );
      if (info) {
        const ok = info.version === pinned.version && info.checksum === pinned.sha256 && info.file_size === pinned.size;
        record(
          "info matches feed",
          `${folder}/info${suffix}.json`,
          ok,
          `version ${info.version}, checksum ${String(info.checksum).slice(0, 16)}…, ${info.file_size} bytes`,
        );
      }
      const check = await readJson<{ latest_version: string; checksum: string; file_size: number }>(
        `${folder}/check-update${suffix}.json`,
      );
      if (check) {
        const ok =
          check.latest_version === pinned.version &&
          check.checksum === pinned.sha256 &&
          check.file_size === pinned.size;
        record(
          "check-update matches feed",
          `${folder}/check-update${suffix}.json`,
          ok,
          `latest ${check.latest_version}, checksum ${String(check.checksum).slice(0, 16)}…`,
        );
      }
    }
    const stable = entry.channels.stable;
    if (stable) {
      const latest = await source.read(`${folder}/${slug}-latest.zip`);
      const sha256 = latest ? createHash("sha256").update(latest).digest("hex") : null;
      record(
        "latest package",
        `${folder}/${slug}-latest.zip`,
        sha256 === stable.sha256,
        latest ? `same bytes as ${stable.version}: ${sha256 === stable.sha256}` : "missing",
      );
    }
  }
  return rows;
}

function mainFileProblems(zip: Buffer, slug: string, version: string, releases: ReleasesDocument): string[] {
  const name = `${slug}/${releases.main_file}`;
  const updater = releases.updater_path ? `${slug}/${releases.updater_path}` : null;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(zip), { filter: (file) => file.name === name || file.name === updater });
  } catch (error) {
    return [`not a readable ZIP: ${(error as Error).message}`];
  }
  const content = files[name];
  if (!content) return [`no ${name} in the package`];
  const problems = checkPackagedMainFile(Buffer.from(content).toString("utf8"), {
    version,
    versionConstant: releases.version_constant,
    apiBase: releases.api_base,
    updaterPath: releases.updater_path ?? null,
  });
  if (updater && !files[updater]) problems.push(`has no updater at ${updater}`);
  return problems;
}

export function formatRows(rows: CheckRow[]): string {
  const width = Math.max(...rows.map((row) => row.check.length), 5);
  return rows
    .map((row) => `${row.ok ? "PASS" : "FAIL"}  ${row.check.padEnd(width)}  ${row.subject}: ${row.detail}`)
    .join("\n");
}
