/**
 * `feedwright verify`: the original post-release checklist, automated, against a built
 * folder or a deployed URL. Every check is a row; any failed row fails the command.
 *
 * What is trusted flows from one signature: feed.json.sig covers feed.json; feed.json gives
 * the SHA-256 of manifest.json and of every per-plugin JSON document; manifest.json gives the
 * SHA-256 of every other published file; releases.json (so vouched for) gives each package's.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { unzipSync } from "fflate";
import {
  CHANNELS,
  type CheckUpdateAnswer,
  checksumFileName,
  checkUpdateFileName,
  FEED_PATH,
  FEED_SIGNATURE_PATH,
  type FeedDocument,
  type FeedPluginEntry,
  FILES_OUTSIDE_MANIFEST,
  GEEKLOG_INDEX_FORMAT,
  GEEKLOG_INDEX_PATH,
  GEEKLOG_STATUS_BODY,
  type GeeklogIndex,
  geeklogPath,
  INSTALLED_VERSION_PARAM,
  type InfoDocument,
  infoFileName,
  latestPackageFileName,
  MANIFEST_FORMAT,
  MANIFEST_PATH,
  type ManifestDocument,
  OFFERS_FILE,
  type OfferIndexDocument,
  offerIndexOf,
  pluginFilePath,
  RELEASES_FILE,
  type ReleasesDocument,
  renderGeeklogListing,
  signatureFileName,
  VERIFY_REQUEST_HEADER,
} from "./contract/index.ts";
import { md5Hex, sha256Hex } from "./core/digest.ts";
import { renderChecksumFile, toCanonicalJson } from "./core/documents.ts";
import { VerifyError } from "./core/errors.ts";
import { GEEKLOG_REQUIRED_FILE, GEEKLOG_UPDATE_FILE, geeklogSourcePathProblem } from "./core/geeklog.ts";
import { checkPackagedMainFile } from "./core/packaging.ts";
import { findValidSignature, type PublicKey } from "./core/signing.ts";

export interface CheckRow {
  check: string;
  subject: string;
  ok: boolean;
  detail: string;
}

export interface ReadOptions {
  /**
   * A package is read as a site already on its release asks for it (?installed=, the
   * contract's INSTALLED_VERSION_PARAM): a Worker serves a release whose rollout is halted
   * only to such a site, and what verify checks is the published bytes, halted or not.
   */
  packageVersion?: string;
}

export interface FeedSource {
  label: string;
  /**
   * The bytes at a path of the published folder, or null when there is none. Throws
   * VerifyError when the path cannot be read for another reason (an address that does not
   * answer, an HTTP error).
   */
  read(relativePath: string, options?: ReadOptions): Promise<Buffer | null>;
  /** Every file the folder holds (a folder can be listed; a URL cannot). */
  list?(): Promise<string[]>;
}

export function folderSource(folder: string): FeedSource {
  const root = path.resolve(folder);
  const inside = (relativePath: string) => {
    const full = path.resolve(root, relativePath);
    return full.startsWith(`${root}${path.sep}`) ? full : null;
  };
  return {
    label: folder,
    async read(relativePath) {
      const full = inside(relativePath);
      if (!full) throw new VerifyError(`refusing to read ${relativePath}: it is outside ${folder}`);
      return readFile(full).catch(() => null);
    },
    list: () => listFolder(root),
  };
}

async function listFolder(root: string, relative = ""): Promise<string[]> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFolder(root, child) : Promise.resolve([child]);
    }),
  );
  return nested.flat().sort();
}

const FETCH_TIMEOUT_MS = 30_000;

export function urlSource(baseUrl: string): FeedSource {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return {
    label: base,
    async read(relativePath, options = {}) {
      const url = new URL(relativePath, base);
      // Paths come from fetched documents: never let one lead verify to another host or folder.
      if (!url.href.startsWith(base)) throw new VerifyError(`refusing to fetch ${relativePath}: it is outside ${base}`);
      if (options.packageVersion) url.searchParams.set(INSTALLED_VERSION_PARAM, options.packageVersion);
      let response: Response;
      try {
        response = await fetch(url, {
          redirect: "follow",
          signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
          // Reading a package to check it is not a download: the Worker does not count it.
          headers: { [VERIFY_REQUEST_HEADER]: "1" },
        });
      } catch (error) {
        throw new VerifyError(`could not fetch ${url}: ${describeFetchFailure(error)}`);
      }
      if (response.status === 404) return null;
      if (!response.ok) throw new VerifyError(`could not fetch ${url}: HTTP ${response.status} ${response.statusText}`);
      return Buffer.from(await response.arrayBuffer());
    },
  };
}

/** fetch() says only "fetch failed": the reason (ENOTFOUND, ECONNREFUSED, ...) is in its cause. */
function describeFetchFailure(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${FETCH_TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (cause instanceof AggregateError && cause.errors.length > 0) {
    return cause.errors.map((inner: unknown) => describeFetchFailure(inner)).join("; ");
  }
  if (cause instanceof Error) return cause.message || (cause as NodeJS.ErrnoException).code || cause.name;
  return String(cause);
}

/**
 * The documents are read with the contract's types, but their bytes are untrusted until
 * checked: every field is still tested before it is relied on (isRecord, typeof).
 */
export interface VerifyOptions {
  trusted: PublicKey[];
  now: Date;
  minSerial?: number;
}

/** How far in the future a feed's issued_at may be before it is refused: clocks disagree a little. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The state of one run: where the bytes come from, and the rows found so far. */
class Verification {
  readonly rows: CheckRow[] = [];
  /** Why a read gave nothing, by path: "missing", or the reason it could not be fetched. */
  private readonly absent = new Map<string, string>();
  private readonly documents = new Map<string, Promise<Buffer | null>>();

  readonly source: FeedSource;
  readonly options: VerifyOptions;

  constructor(source: FeedSource, options: VerifyOptions) {
    this.source = source;
    this.options = options;
  }

  record(check: string, subject: string, ok: boolean, detail: string): void {
    this.rows.push({ check, subject, ok, detail });
  }

  /**
   * The bytes at a path, or null; a failed fetch of one file is that file's failure, not the
   * run's. A JSON document is read once, so every check of it sees the same bytes (an address
   * could answer differently each time) and a URL is not asked three times.
   */
  read(relativePath: string, options: ReadOptions = {}): Promise<Buffer | null> {
    if (!relativePath.endsWith(".json")) return this.readOnce(relativePath, options);
    let pending = this.documents.get(relativePath);
    if (!pending) {
      pending = this.readOnce(relativePath);
      this.documents.set(relativePath, pending);
    }
    return pending;
  }

  private async readOnce(relativePath: string, options: ReadOptions = {}): Promise<Buffer | null> {
    try {
      const bytes = await this.source.read(relativePath, options);
      if (!bytes) this.absent.set(relativePath, "missing");
      return bytes;
    } catch (error) {
      if (!(error instanceof VerifyError)) throw error;
      this.absent.set(relativePath, error.message);
      return null;
    }
  }

  whyAbsent(relativePath: string): string {
    return this.absent.get(relativePath) ?? "missing";
  }

  /** Parsed JSON, or null with a failed row saying why. */
  async readJson<T>(relativePath: string, bytes?: Buffer | null): Promise<T | null> {
    const content = bytes === undefined ? await this.read(relativePath) : bytes;
    if (!content) {
      this.record("present", relativePath, false, this.whyAbsent(relativePath));
      return null;
    }
    try {
      return JSON.parse(content.toString("utf8")) as T;
    } catch (error) {
      const start = JSON.stringify(content.subarray(0, 40).toString("utf8"));
      this.record("parses", relativePath, false, `not JSON: ${(error as Error).message} (starts ${start})`);
      return null;
    }
  }
}

export async function verifyFeed(source: FeedSource, options: VerifyOptions): Promise<CheckRow[]> {
  const run = new Verification(source, options);
  const feed = await checkFeedSignature(run);
  if (!feed) return run.rows;
  checkFeedSerial(run, feed);
  checkFeedTimes(run, feed);
  const manifest = await checkManifest(run, feed);
  if (manifest) {
    await checkListedFiles(run, manifest);
    await checkUnlistedFiles(run, manifest);
  }
  const geeklogPlugins = new Map<string, ReleasesDocument>();
  for (const [slug, entry] of Object.entries(isRecord(feed.plugins) ? feed.plugins : {})) {
    if (!isRecord(entry)) {
      run.record("parses", `feed.json ${slug}`, false, "the plugin's entry is not a JSON object");
      continue;
    }
    await checkDocuments(run, slug, entry);
    const releases = await run.readJson<ReleasesDocument>(pluginFilePath(slug, RELEASES_FILE));
    if (!releases || !Array.isArray(releases.releases)) continue;
    if (releases.platform === "geeklog") geeklogPlugins.set(slug, releases);
    await checkOfferIndex(run, slug, entry, releases);
    const zipFacts = await checkPackages(run, slug, releases);
    await checkChannels(run, slug, entry, zipFacts);
    await checkLatestPackage(run, slug, entry);
  }
  if (geeklogPlugins.size > 0) await checkGeeklogRepository(run, geeklogPlugins);
  return run.rows;
}

/** feed.json must be there (else nothing can be checked) and carry a trusted signature. */
async function checkFeedSignature(run: Verification): Promise<FeedDocument | null> {
  // Without feed.json there is nothing to check: a wrong folder or address, said in one line.
  const feedBytes = await run.source.read(FEED_PATH);
  if (!feedBytes) throw new VerifyError(`no ${FEED_PATH} at ${run.source.label}`);
  const feedSignature = await run.read(FEED_SIGNATURE_PATH);
  const { trusted } = run.options;
  const signer = feedSignature ? findValidSignature(feedBytes, feedSignature.toString("utf8"), trusted) : null;
  run.record(
    "feed signature",
    FEED_PATH,
    signer !== null,
    !feedSignature
      ? `${FEED_SIGNATURE_PATH}: ${run.whyAbsent(FEED_SIGNATURE_PATH)}`
      : signer
        ? `signed by trusted key ${signer.id}`
        : `no line of feed.json.sig verifies with a trusted key (${trusted.map((k) => k.id).join(", ")})`,
  );
  const feed = await run.readJson<FeedDocument>(FEED_PATH, feedBytes);
  if (feed !== null && !isRecord(feed)) {
    run.record("parses", FEED_PATH, false, "not a JSON object");
    return null;
  }
  return feed;
}

/** A replayed older feed has a lower serial than the last one seen. */
function checkFeedSerial(run: Verification, feed: FeedDocument): void {
  const { minSerial } = run.options;
  const serialOk = Number.isSafeInteger(feed.serial) && feed.serial > 0 && feed.serial >= (minSerial ?? 0);
  run.record(
    "feed serial",
    FEED_PATH,
    serialOk,
    minSerial !== undefined ? `serial ${feed.serial}, at least ${minSerial} required` : `serial ${feed.serial}`,
  );
}

/** A frozen feed expires; a feed dated in the future (beyond a little clock skew) is not yet valid. */
function checkFeedTimes(run: Verification, feed: FeedDocument): void {
  const now = run.options.now.getTime();
  const issued = Date.parse(feed.issued_at);
  const fromTheFuture = Number.isFinite(issued) && issued > now + CLOCK_SKEW_MS;
  run.record(
    "feed issued",
    FEED_PATH,
    Number.isFinite(issued) && !fromTheFuture,
    `issued ${feed.issued_at}${fromTheFuture ? ` (in the future: after ${new Date(now).toISOString()} and more than ${CLOCK_SKEW_MS / 60_000} minutes of clock skew)` : ""}`,
  );
  const expires = Date.parse(feed.expires);
  run.record(
    "feed expiry",
    FEED_PATH,
    Number.isFinite(expires) && expires > now,
    `expires ${feed.expires}${Number.isFinite(expires) && expires <= now ? " (expired)" : ""}`,
  );
}

/** manifest.json must have the SHA-256 the signed feed gives it. */
async function checkManifest(run: Verification, feed: FeedDocument): Promise<ManifestDocument | null> {
  const expected = isRecord(feed.manifest) ? feed.manifest.sha256 : undefined;
  const bytes = await run.read(MANIFEST_PATH);
  const digest = bytes ? sha256Hex(bytes) : null;
  run.record(
    "feed matches manifest",
    MANIFEST_PATH,
    digest !== null && digest === expected,
    digest === null
      ? run.whyAbsent(MANIFEST_PATH)
      : `sha256 ${digest.slice(0, 16)}…, feed.json says ${expected === undefined ? "nothing (no manifest)" : `${String(expected).slice(0, 16)}…`}`,
  );
  if (!bytes) return null;
  const manifest = await run.readJson<ManifestDocument>(MANIFEST_PATH, bytes);
  if (!manifest) return null;
  if (manifest.format !== MANIFEST_FORMAT || !isRecord(manifest.files)) {
    run.record("parses", MANIFEST_PATH, false, `not a ${MANIFEST_FORMAT} document`);
    return null;
  }
  return manifest;
}

/**
 * Every file the manifest lists has the bytes it says. A folder is checked file by file; at an
 * address, the JSON documents are (the packages are checked against releases.json below, and
 * the pages and _headers are the CDN's to serve as it will).
 */
async function checkListedFiles(run: Verification, manifest: ManifestDocument): Promise<void> {
  const everyFile = run.source.list !== undefined;
  for (const [file, expected] of Object.entries(manifest.files)) {
    if (!everyFile && !file.endsWith(".json")) continue;
    const bytes = await run.read(file);
    const digest = bytes ? sha256Hex(bytes) : null;
    run.record(
      "manifest matches file",
      file,
      digest !== null && digest === expected,
      digest === null
        ? `${run.whyAbsent(file)} (manifest.json lists it)`
        : `sha256 ${digest.slice(0, 16)}…${digest === expected ? "" : `, manifest.json says ${String(expected).slice(0, 16)}…`}`,
    );
  }
}

/** A folder holds nothing the manifest does not list: an extra file is one no signature covers. */
async function checkUnlistedFiles(run: Verification, manifest: ManifestDocument): Promise<void> {
  if (!run.source.list) return;
  const listed = new Set(Object.keys(manifest.files));
  const present = await run.source.list();
  const unlisted = present.filter((file) => !listed.has(file) && !FILES_OUTSIDE_MANIFEST.includes(file));
  for (const file of unlisted) {
    run.record("listed in manifest", file, false, "in the folder but not in manifest.json: no signature covers it");
  }
  if (unlisted.length === 0) {
    run.record("listed in manifest", run.source.label, true, `all ${present.length} files are listed or are the feed`);
  }
}

/** Each per-plugin JSON document has the SHA-256 the signed feed gives it. */
async function checkDocuments(run: Verification, slug: string, entry: FeedPluginEntry): Promise<void> {
  const documents: Record<string, string> = isRecord(entry.documents) ? { ...entry.documents } : {};
  // A feed from before `documents` vouched for releases.json alone.
  if (!Object.hasOwn(documents, RELEASES_FILE) && entry.releases?.sha256) {
    documents[RELEASES_FILE] = entry.releases.sha256;
  }
  if (!Object.hasOwn(documents, RELEASES_FILE)) {
    run.record("feed matches document", pluginFilePath(slug, RELEASES_FILE), false, "feed.json gives no sha256 for it");
  }
  for (const [name, expected] of Object.entries(documents)) {
    const file = pluginFilePath(slug, name);
    const bytes = await run.read(file);
    const digest = bytes ? sha256Hex(bytes) : null;
    run.record(
      "feed matches document",
      file,
      digest !== null && digest === expected,
      digest === null
        ? `${run.whyAbsent(file)} (feed.json lists it)`
        : `sha256 ${digest.slice(0, 16)}…${digest === expected ? "" : `, feed.json says ${String(expected).slice(0, 16)}…`}`,
    );
  }
}

/**
 * offers.json, which the Worker and the updater decide from, says what releases.json says
 * (it is derived from it: offerIndexOf), and the copy inside the signed feed is the same.
 */
async function checkOfferIndex(
  run: Verification,
  slug: string,
  entry: FeedPluginEntry,
  releases: ReleasesDocument,
): Promise<void> {
  const file = pluginFilePath(slug, OFFERS_FILE);
  const offers = await run.readJson<OfferIndexDocument>(file);
  if (!isRecord(offers)) return;
  const { icons: _icons, banners: _banners, ...decided } = offers;
  let derived: string | null = null;
  try {
    derived = toCanonicalJson(offerIndexOf(releases));
  } catch {
    // A releases.json of the wrong shape: its own rows say what is wrong with it.
  }
  run.record(
    "offer index matches releases.json",
    file,
    derived !== null && toCanonicalJson(decided) === derived,
    `${CHANNELS.map((channel) => `${channel}: ${offers.channels?.[channel]?.map((each) => each.version).join(", ") || "none"}`).join("; ")}`,
  );
  if (entry.offers !== undefined) {
    run.record(
      "feed matches offer index",
      `feed.json ${slug} offers`,
      toCanonicalJson(entry.offers) === toCanonicalJson(offers),
      "the offer index inside the signed feed",
    );
  }
}

/** Every package releases.json lists: its bytes, checksum file, signature and main file. */
async function checkPackages(
  run: Verification,
  slug: string,
  releases: ReleasesDocument,
): Promise<Map<string, { sha256: string; size: number }>> {
  const zipFacts = new Map<string, { sha256: string; size: number }>();
  const packaged = releases.releases.filter(
    (candidate) => isRecord(candidate) && candidate.packaged && typeof candidate.file === "string",
  );
  for (const release of packaged) {
    const fileName = String(release.file);
    const file = pluginFilePath(slug, fileName);
    const zip = await run.read(file, { packageVersion: String(release.version) });
    if (!zip) {
      run.record("package present", file, false, run.whyAbsent(file));
      continue;
    }
    const sha256 = sha256Hex(zip);
    const md5 = md5Hex(zip);
    zipFacts.set(release.version, { sha256, size: zip.length });
    run.record(
      "package sha256",
      file,
      sha256 === release.sha256,
      `${sha256}${sha256 === release.sha256 ? "" : `, releases.json says ${release.sha256}`}`,
    );
    run.record(
      "package md5",
      file,
      md5 === release.md5,
      `${md5}${md5 === release.md5 ? "" : `, releases.json says ${release.md5}`}`,
    );
    run.record(
      "package size",
      file,
      zip.length === release.size,
      `${zip.length} bytes${zip.length === release.size ? "" : `, releases.json says ${release.size}`}`,
    );
    const checksumPath = checksumFileName(file);
    const checksumFile = (await run.read(checksumPath))?.toString("utf8");
    run.record(
      "checksum file",
      checksumPath,
      checksumFile === renderChecksumFile(sha256, fileName),
      checksumFile === undefined ? run.whyAbsent(checksumPath) : checksumFile.trim(),
    );
    const signaturePath = signatureFileName(file);
    const signature = (await run.read(signaturePath))?.toString("utf8");
    const packageSigner = signature ? findValidSignature(zip, signature, run.options.trusted) : null;
    run.record(
      "package signature",
      signaturePath,
      packageSigner !== null,
      signature === undefined
        ? run.whyAbsent(signaturePath)
        : packageSigner
          ? `signed by trusted key ${packageSigner.id}`
          : "no line verifies with a trusted key",
    );
    if (releases.platform === "geeklog") {
      const problems = geeklogPackageProblems(zip, releases, release.geeklog?.update_class ?? null);
      const name = releases.geeklog?.plugin_name ?? "?";
      run.record(
        "geeklog package",
        `${file}:${name}/${GEEKLOG_UPDATE_FILE}`,
        problems.length === 0,
        problems.join("; ") || `${name}/ holds admin/, public_html/, plugins/ and update.php (class UpdatePlugin)`,
      );
    }
    if (releases.platform === "wordpress") {
      const problems = mainFileProblems(zip, slug, release.version, releases);
      run.record(
        "packaged main file",
        `${file}:${slug}/${releases.main_file}`,
        problems.length === 0,
        problems.join("; ") || `version ${release.version} and ${releases.api_base}`,
      );
    }
  }
  return zipFacts;
}

/**
 * What Geeklog's client needs of a package: one top folder named after the plugin, only the
 * three folders it copies and update.php, plugins/functions.inc, and in update.php the class it
 * loads (for a rendered one, with the plugin's name).
 */
function geeklogPackageProblems(zip: Buffer, releases: ReleasesDocument, updateClass: string | null): string[] {
  const name = releases.geeklog?.plugin_name;
  if (!name) return ["releases.json names no Geeklog plugin (geeklog.plugin_name)"];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(zip));
  } catch (error) {
    return [`not a readable ZIP: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  for (const entry of Object.keys(files)) {
    if (entry === `${name}/` || entry.endsWith("/")) continue;
    if (!entry.startsWith(`${name}/`)) {
      problems.push(`${entry} is outside the top folder ${name}/`);
      continue;
    }
    const problem = geeklogSourcePathProblem(entry.slice(name.length + 1));
    if (problem) problems.push(problem);
  }
  if (!files[`${name}/${GEEKLOG_REQUIRED_FILE}`]) problems.push(`no ${name}/${GEEKLOG_REQUIRED_FILE}`);
  const update = files[`${name}/${GEEKLOG_UPDATE_FILE}`];
  if (!update) return [...problems, `no ${name}/${GEEKLOG_UPDATE_FILE}, the file Geeklog's client loads`];
  const text = Buffer.from(update).toString("utf8");
  if (!/class\s+UpdatePlugin\s+implements\s+PluginUpdateInterface/i.test(text))
    problems.push(`${GEEKLOG_UPDATE_FILE} declares no class UpdatePlugin implements PluginUpdateInterface`);
  if (updateClass === "rendered" && !text.includes(`public static $PLUGIN_NAME = '${name}';`))
    problems.push(`${GEEKLOG_UPDATE_FILE} does not name the plugin ${name}`);
  return problems;
}

/**
 * The Geeklog repository: status.rep answers what the client wants, the listing is exactly
 * the one repository.json (covered by the manifest) gives, and every listed version and
 * offered update names a release of its plugin's releases.json, packaged when it is offered.
 */
async function checkGeeklogRepository(
  run: Verification,
  plugins: ReadonlyMap<string, ReleasesDocument>,
): Promise<void> {
  const statusPath = geeklogPath("status");
  const status = (await run.read(statusPath))?.toString("utf8");
  run.record(
    "geeklog status",
    statusPath,
    status === GEEKLOG_STATUS_BODY,
    status === undefined ? run.whyAbsent(statusPath) : `answers ${JSON.stringify(status.slice(0, 40))}`,
  );
  const index = await run.readJson<GeeklogIndex>(GEEKLOG_INDEX_PATH);
  if (!index) return;
  if (index.format !== GEEKLOG_INDEX_FORMAT || !Array.isArray(index.listing) || !Array.isArray(index.items)) {
    run.record("parses", GEEKLOG_INDEX_PATH, false, `not a ${GEEKLOG_INDEX_FORMAT} document`);
    return;
  }
  const listingPath = geeklogPath("listing");
  const listing = (await run.read(listingPath))?.toString("utf8");
  run.record(
    "geeklog listing",
    listingPath,
    listing === renderGeeklogListing(index),
    listing === undefined
      ? run.whyAbsent(listingPath)
      : listing === renderGeeklogListing(index)
        ? `${index.listing.length} version(s), as ${GEEKLOG_INDEX_PATH} lists them`
        : `differs from the listing ${GEEKLOG_INDEX_PATH} gives`,
  );
  const entries = [
    ...index.listing.map((entry) => ({ ...entry, what: "listed", kind: "upgrade", offered: false })),
    ...index.items.map((item) => ({ ...item, what: item.kind, offered: true })),
  ];
  for (const entry of entries) {
    const subject = `${GEEKLOG_INDEX_PATH} ${entry.slug} ${entry.version} (${entry.what}, id ${entry.id})`;
    const release = plugins.get(entry.slug)?.releases.find((candidate) => candidate.version === entry.version);
    const problems: string[] = [];
    if (!release) problems.push(`no release ${entry.version} in ${pluginFilePath(entry.slug, RELEASES_FILE)}`);
    else {
      if (release.geeklog?.kind !== entry.kind) problems.push(`releases.json says ${String(release.geeklog?.kind)}`);
      if (release.geeklog?.geeklog_version !== entry.geeklog_version)
        problems.push(`releases.json records version ${String(release.geeklog?.geeklog_version)}`);
      if (entry.file !== (release.packaged ? release.file : null))
        problems.push(`names the file ${String(entry.file)}, releases.json ${String(release.file)}`);
      if (entry.offered && !(release.offered && release.packaged)) problems.push("offered, but not an offered package");
    }
    run.record("geeklog entry", subject, problems.length === 0, problems.join("; ") || `release ${entry.version}`);
  }
}

/** Each channel's latest in the feed is a package that was checked, and info and check-update agree. */
async function checkChannels(
  run: Verification,
  slug: string,
  entry: FeedPluginEntry,
  zipFacts: ReadonlyMap<string, { sha256: string; size: number }>,
): Promise<void> {
  for (const channel of CHANNELS) {
    const pinned = isRecord(entry.channels) ? entry.channels[channel] : undefined;
    if (!isRecord(pinned)) continue;
    const built = zipFacts.get(pinned.version);
    const agrees = built !== undefined && built.sha256 === pinned.sha256 && built.size === pinned.size;
    run.record(
      "feed matches package",
      `feed.json ${slug} ${channel}`,
      agrees,
      `${pinned.version} ${String(pinned.sha256).slice(0, 16)}… ${pinned.size} bytes${built ? "" : " (no such package)"}`,
    );
    // A Geeklog plugin has no WordPress documents: the feed lists which documents there are.
    const listed = (name: string) => !isRecord(entry.documents) || Object.hasOwn(entry.documents, name);
    const infoPath = pluginFilePath(slug, infoFileName(channel));
    const info = listed(infoFileName(channel)) ? await run.readJson<InfoDocument>(infoPath) : null;
    if (info) {
      const ok = info.version === pinned.version && info.checksum === pinned.sha256 && info.file_size === pinned.size;
      run.record(
        "info matches feed",
        infoPath,
        ok,
        `version ${info.version}, checksum ${String(info.checksum).slice(0, 16)}…, ${info.file_size} bytes`,
      );
    }
    const checkPath = pluginFilePath(slug, checkUpdateFileName(channel));
    const check = listed(checkUpdateFileName(channel)) ? await run.readJson<CheckUpdateAnswer>(checkPath) : null;
    if (check) {
      const ok =
        check.latest_version === pinned.version && check.checksum === pinned.sha256 && check.file_size === pinned.size;
      run.record(
        "check-update matches feed",
        checkPath,
        ok,
        `latest ${check.latest_version}, checksum ${String(check.checksum).slice(0, 16)}…`,
      );
    }
  }
}

/** <slug>-latest.zip is the same bytes as the latest stable. */
async function checkLatestPackage(run: Verification, slug: string, entry: FeedPluginEntry): Promise<void> {
  const stable = isRecord(entry.channels) ? entry.channels.stable : undefined;
  if (!stable) return;
  const file = pluginFilePath(slug, latestPackageFileName(slug));
  const latest = await run.read(file, { packageVersion: String(stable.version) });
  const sha256 = latest ? sha256Hex(latest) : null;
  run.record(
    "latest package",
    file,
    sha256 === stable.sha256,
    latest ? `same bytes as ${stable.version}: ${sha256 === stable.sha256}` : run.whyAbsent(file),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
    versionConstant: releases.version_constant ?? "",
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
