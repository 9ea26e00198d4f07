/**
 * feedwright's Worker: the original service's API (/api/plugins/<slug>/...) in front of the
 * static feed. Static files are served by the platform without this code; it runs for /api/*
 * and for package downloads, which are counted and, for private plugins, need a signed URL.
 */
import { Hono } from "hono";
import semver from "semver";
import {
  API_ACTIONS,
  API_PATH,
  type ApiAction,
  apiBaseFor,
  apiUrl,
  CHANNELS,
  type Channel,
  decideOffer,
  downloadUrl,
  FEED_PATH,
  type FeedDocument,
  fitCheckUpdateAnswer,
  GEEKLOG_REPOSITORY_FOLDER,
  geeklogPath,
  INSTALLED_VERSION_PARAM,
  infoFileName,
  isSlug,
  latestPackageFileName,
  normaliseVersion,
  type OfferPackage,
  pluginFilePath,
  pluginFolder,
  REPORTED_VERSION_PATTERN,
  renderCheckUpdateAnswer,
  rolloutBucketsFor,
  rolloutSiteKey,
  SITE_ID_MAX_LENGTH,
  SITE_ID_PATTERN,
  type SiteFacts,
  signDownload,
  signedDownloadQuery,
} from "../../scripts/contract/index.ts";
import { authenticateSite, checkSignedDownload, requireAdmin } from "./auth.ts";
import { collectFields, readBody, stringField } from "./body.ts";
import { requestTime } from "./clock.ts";
import { type DownloadCounter, downloadKind, isCountedDownload } from "./downloads.ts";
import { ApiError, badRequest, errorResponse, jsonResponse, notFound } from "./errors.ts";
import { answerGeeklogCheck, redirectGeeklogDownload } from "./geeklog.ts";
import { gatePackageRequest, historyOf, recordReportHistory } from "./history-hooks.ts";
import { offersFor, recordInstallation, reportsError } from "./installations.ts";
import { assetRequest, type LoadedPlugin, loadPlugin } from "./releases.ts";
import {
  answerRolloutHolds,
  changeRolloutByHand,
  forgetHolds,
  guardedReleasesOf,
  haltedError,
  heldVersions,
  installedVersionOf,
  publishedRollouts,
} from "./rollouts.ts";
import { answerStats, refreshCensus } from "./stats.ts";

export { DownloadCounter } from "./downloads.ts";

export interface Env {
  ASSETS: Fetcher;
  INSTALLATIONS: KVNamespace;
  DOWNLOAD_COUNTER: DurableObjectNamespace<DownloadCounter>;
  RATE_LIMIT_IP: RateLimit;
  RATE_LIMIT_SITE: RateLimit;
  /** Secrets: never in the bundle or the config. */
  ADMIN_TOKEN?: string;
  DOWNLOAD_URL_KEY?: string;
  /** Days an installation stays listed without a health check. */
  INSTALLATION_TTL_DAYS?: string;
  /** "1" only in local simulations (npm run dev -- --dev-clock): honours X-Feedwright-Now (clock.ts). */
  FEEDWRIGHT_DEV_CLOCK?: string;
}

interface Context {
  request: Request;
  url: URL;
  env: Env;
  slug: string;
  now: Date;
}

type Handler = (context: Context) => Promise<Response>;

/**
 * The actions under /api/plugins/<slug>/, each with the methods it answers. Routing is hono's:
 * its routers match paths against what was registered (in null-prototype tables), so an action
 * named `constructor`, `toString` or `__proto__` is just an unknown path, never a member of
 * Object.prototype found in a route table (which answered 500 here before).
 */
const HANDLERS: Record<ApiAction, { methods: readonly string[]; handle: Handler }> = {
  "check-update": { methods: ["GET", "POST"], handle: checkUpdate },
  info: { methods: ["GET", "HEAD"], handle: info },
  download: { methods: ["GET", "HEAD"], handle: download },
  "download-url": { methods: ["GET"], handle: issueDownloadUrl },
  register: { methods: ["POST"], handle: register },
  "health-check": { methods: ["POST"], handle: healthCheck },
  stats: { methods: ["GET"], handle: stats },
  rollout: { methods: ["GET", "POST"], handle: rollout },
};
// In the contract's order; the Record makes a missing or unknown action a type error.
const ACTIONS = API_ACTIONS.map((action) => ({ action, ...HANDLERS[action] }));

type App = { Bindings: Env };
type HonoContext = import("hono").Context<App>;

/** One request's context for the handlers; `request` is the client's, so HEAD is still HEAD. */
function contextOf(c: HonoContext, slug: string): Context {
  return { request: c.req.raw, url: new URL(c.req.url), env: c.env, slug, now: requestTime(c.req.raw, c.env) };
}

function requireMethod(c: HonoContext, what: string, methods: readonly string[]): void {
  // hono routes HEAD as GET; the client's own method decides what is allowed.
  if (!methods.includes(c.req.raw.method)) {
    throw new ApiError(405, "method_not_allowed", `${what} accepts ${methods.join(", ")}`, {
      allow: methods.join(", "),
    });
  }
}

// strict: false, so /api/plugins/<slug>/<action> answers with or without the trailing slash.
const app = new Hono<App>({ strict: false });

// Every request meets the per-address limit first, whatever it asks for.
app.use(async (c, next) => {
  await limitRate(c.env.RATE_LIMIT_IP, `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`);
  await next();
});

/** The plugin's folder as a route: `plugins/:slug`, from the contract's pluginFolder. */
const PLUGIN_ROUTE = pluginFolder(":slug");

/** /plugins/<slug>/<file>.zip, requested directly: the same counting and the same rules. */
app.all(`/${PLUGIN_ROUTE}/:file{[^/]+\\.zip}`, async (c) => {
  requireMethod(c, "packages", ["GET", "HEAD"]);
  return servePackageFile(contextOf(c, c.req.param("slug")), c.req.param("file"));
});

// Geeklog's repository (scripts/contract/geeklog.ts): the check the client posts, and the
// downloads, which redirect to the package route above. The listing and status.rep are static.
app.all(`/${geeklogPath("check")}`, async (c) => {
  requireMethod(c, "the Geeklog update check", ["POST"]);
  return answerGeeklogCheck(c.req.raw, new URL(c.req.url), c.env.ASSETS, Date.now(), async (slug, version) => {
    const plugin = await loadPlugin(c.env.ASSETS, slug, Date.now());
    return (await heldVersions(c.env, plugin)).has(version);
  });
});
for (const endpoint of ["get", "patch", "upgrade"] as const) {
  app.all(`/${geeklogPath(endpoint)}`, async (c) => {
    requireMethod(c, "Geeklog downloads", ["GET", "HEAD"]);
    return redirectGeeklogDownload(endpoint, new URL(c.req.url), c.env.ASSETS, Date.now());
  });
}

for (const { action, methods, handle } of ACTIONS) {
  app.all(`${API_PATH}/${PLUGIN_ROUTE}/${action}`, async (c) => {
    requireMethod(c, action, methods);
    const slug = c.req.param("slug");
    if (!isSlug(slug)) throw notFound(`no plugin "${slug.slice(0, 80)}"`, "unknown_plugin");
    return handle(contextOf(c, slug));
  });
}

app.all(`${API_PATH}/${PLUGIN_ROUTE}/:action`, (c) => {
  const action = c.req.param("action");
  throw notFound(
    `no action "${action.slice(0, 80)}": expected one of ${ACTIONS.map((each) => each.action).join(", ")}`,
  );
});

app.notFound((c) => errorResponse(notFound(`no API route ${new URL(c.req.url).pathname.slice(0, 200)}`)));
app.onError((error) => errorResponse(error));

export default {
  async fetch(request, env, ctx): Promise<Response> {
    let response: Response;
    try {
      response = await app.fetch(request, env, ctx);
    } catch (error) {
      response = errorResponse(error);
    }
    // Says which answers came from this code rather than straight from the static assets.
    const headers = new Headers(response.headers);
    headers.set("x-served-by", "feedwright-worker");
    // A HEAD answer is the status and headers only, errors included.
    return new Response(request.method === "HEAD" ? null : response.body, { status: response.status, headers });
  },

  async scheduled(_controller, env, ctx): Promise<void> {
    ctx.waitUntil(openHistoryDays(env, new Date()));
  },
} satisfies ExportedHandler<Env>;

async function limitRate(limiter: RateLimit, key: string): Promise<void> {
  const { success } = await limiter.limit({ key });
  if (!success) throw new ApiError(429, "rate_limited", "too many requests; retry later", { "retry-after": "60" });
}

/**
 * An inactive plugin (plugin.yaml `active: false`) has nothing to download and no details to
 * show: 410 with its own code, so a client can tell "switched off" from "no such release".
 * check-update needs no such test: its offer index has no candidate on any channel, so
 * decideOffer offers nothing, as the updater inside the plugin reads it too.
 */
function requireActive(plugin: LoadedPlugin): void {
  if (!plugin.index.active) {
    throw new ApiError(
      410,
      "plugin_inactive",
      `"${plugin.slug}" is inactive: nothing of it is offered or downloadable any more`,
    );
  }
}

/** This Worker's own API base: answers point back at the address the site asked. */
function apiBaseOf(context: Context): string {
  return apiBaseFor(context.url.origin);
}

/** A channel field: one of the contract's channels, nothing else. */
const CHANNEL_PATTERN = new RegExp(`^(${CHANNELS.join("|")})$`);

async function checkUpdate(context: Context): Promise<Response> {
  const plugin = await loadPlugin(context.env.ASSETS, context.slug, context.now.getTime());
  // The query, then (for POST) the body over it; a field is only ever one the client sent.
  const fields = collectFields(
    context.url.searchParams,
    context.request.method === "POST" ? await readBody(context.request) : new Map(),
  );
  const currentText = stringField(fields, "current_version", { required: true, max: 64 }) ?? "";
  const currentVersion = normaliseVersion(currentText);
  if (!currentVersion)
    throw badRequest(`current_version: "${currentText.slice(0, 40)}" is not a version`, "invalid_version");
  const channel = (stringField(fields, "channel", { required: false, pattern: CHANNEL_PATTERN }) ??
    "stable") as Channel;
  const siteId = stringField(fields, "site_id", { required: false, pattern: SITE_ID_PATTERN, max: SITE_ID_MAX_LENGTH });
  const phpVersion = stringField(fields, "php_version", { required: false, pattern: REPORTED_VERSION_PATTERN });
  const wpVersion = stringField(fields, "wp_version", { required: false, pattern: REPORTED_VERSION_PATTERN });
  // Sites that do not send an id are placed by their address, which is stable enough for a rollout.
  const siteKey = rolloutSiteKey(
    siteId ? { siteId } : { address: context.request.headers.get("cf-connecting-ip") ?? "unknown" },
  );
  // The offer index: a few candidates per channel, whatever the number of releases.
  const facts: SiteFacts = {
    currentVersion,
    channel,
    phpVersion,
    wpVersion,
    bucketFor: await rolloutBucketsFor(plugin.slug, plugin.index.channels[channel], siteKey),
  };
  let decision = decideOffer(plugin.index, facts);
  // Only an offer can be held back (a halted rollout): a site with nothing to take costs no
  // call to the plugin's history; one offered something is decided again without the halted.
  if (decision.offered) {
    const held = await heldVersions(context.env, plugin);
    if (held.size > 0) decision = decideOffer(plugin.index, { ...facts, held });
  }
  const latest = plugin.latest(channel);
  const described = decision.offered ?? latest;
  const signedQuery =
    plugin.index.private && described ? await signedDownloadQueryFor(context, plugin, described.version) : null;
  // Only a site on a withdrawn release costs a second document (once per isolate), its reason cut to fit the answer.
  const deprecation = decision.currentDeprecated
    ? { reason: await plugin.deprecationReason(context.env.ASSETS, currentVersion) }
    : null;
  const offer = { ...decision, deprecation };
  // Within 1 KiB: the reason and the changelog cut to fit (the whole texts are in the documents).
  return jsonResponse(
    fitCheckUpdateAnswer(
      renderCheckUpdateAnswer({
        slug: plugin.slug,
        apiBase: apiBaseOf(context),
        siteUrl: context.url.origin,
        channel,
        currentVersion: currentText,
        offer,
        latest,
        signedQuery,
      }),
    ),
  );
}

/**
 * A private plugin's download URL is signed only for a site that proves who it is; anyone
 * else gets the plain URL, which answers 401.
 */
async function signedDownloadQueryFor(context: Context, plugin: LoadedPlugin, version: string): Promise<string | null> {
  if (!context.env.DOWNLOAD_URL_KEY || !context.request.headers.has("authorization")) return null;
  await authenticateSite(context.request, context.env.INSTALLATIONS, plugin.slug);
  return signedQuery(context, plugin, version);
}

const SIGNED_URL_SECONDS = 3600;

async function signedQuery(context: Context, plugin: LoadedPlugin, version: string): Promise<string> {
  const key = context.env.DOWNLOAD_URL_KEY;
  if (!key)
    throw new ApiError(403, "forbidden", "private downloads are disabled: the DOWNLOAD_URL_KEY secret is not set");
  const expires = Math.floor(context.now.getTime() / 1000) + SIGNED_URL_SECONDS;
  const signature = await signDownload(key, plugin.slug, version, expires);
  return signedDownloadQuery(version, expires, signature);
}

/**
 * A download URL for one release, for the site asking with its API key: signed and expiring
 * for a private plugin (what the updater inside the plugin fetches before it downloads).
 */
async function issueDownloadUrl(context: Context): Promise<Response> {
  const plugin = await loadPlugin(context.env.ASSETS, context.slug, context.now.getTime());
  requireActive(plugin);
  await authenticateSite(context.request, context.env.INSTALLATIONS, plugin.slug);
  const requested = context.url.searchParams.get("version") ?? "";
  const version = normaliseVersion(requested);
  if (!version) throw badRequest(`version: "${requested.slice(0, 40)}" is not a version`, "invalid_version");
  if (!plugin.packageOf(version))
    throw notFound(`no downloadable release ${version} of "${plugin.slug}"`, "no_release");
  // A halted release's URL is not handed out, but to a site already on it (a repair).
  if (installedVersionOf(context.url, INSTALLED_VERSION_PARAM) !== version) {
    const gate = await gatePackageRequest(context.env, plugin.slug, context.request, {
      choices: publishedRollouts(plugin.index, [version]),
      installed: null,
      counted: null,
      now: context.now,
      ttlDays: ttlDays(context.env),
    });
    if (gate.version === null) throw haltedError(plugin.slug, gate.halt);
  }
  if (!plugin.index.private) {
    return jsonResponse({
      version,
      url: downloadUrl(apiBaseOf(context), plugin.slug, version),
      expires: null,
    });
  }
  const query = await signedQuery(context, plugin, version);
  const expires = Number(new URLSearchParams(query).get("expires"));
  return jsonResponse({ version, url: apiUrl(apiBaseOf(context), plugin.slug, "download", query), expires });
}

async function info(context: Context): Promise<Response> {
  const plugin = await loadPlugin(context.env.ASSETS, context.slug, context.now.getTime());
  requireActive(plugin);
  if (plugin.index.platform === "geeklog")
    throw notFound(
      `"${plugin.index.slug}" is a Geeklog plugin: its sites read the Geeklog repository at /${GEEKLOG_REPOSITORY_FOLDER}`,
      "no_release",
    );
  const channel: Channel = context.url.searchParams.get("channel") === "beta" ? "beta" : "stable";
  const document = await context.env.ASSETS.fetch(assetRequest(pluginFilePath(context.slug, infoFileName(channel))));
  if (!document.ok) throw notFound(`no ${channel} release of "${context.slug}"`, "no_release");
  return new Response(context.request.method === "HEAD" ? null : document.body, {
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=60" },
  });
}

async function download(context: Context): Promise<Response> {
  const plugin = await loadPlugin(context.env.ASSETS, context.slug, context.now.getTime());
  requireActive(plugin);
  const requested = context.url.searchParams.get("version");
  if (requested === null) return servePackage(context, plugin, latestStableChoices(plugin));
  const version = normaliseVersion(requested);
  if (!version) throw badRequest(`version: "${requested.slice(0, 40)}" is not a version`, "invalid_version");
  const entry = plugin.packageOf(version);
  if (!entry)
    throw notFound(
      `no downloadable release ${version} of "${plugin.slug}" (not published, or no longer kept for download)`,
      "no_release",
    );
  return servePackage(context, plugin, [entry]);
}

/**
 * What "the latest stable" serves: the latest stable package, then (should its rollout be
 * halted) the older packages, newest first, but withdrawn ones: the first not halted is
 * served. Every package older than the latest stable is of a stable release (the build
 * packages no beta behind it).
 */
function latestStableChoices(plugin: LoadedPlugin): OfferPackage[] {
  const latest = plugin.index.latest.stable;
  const entry = latest ? plugin.packageOf(latest) : null;
  if (!latest || !entry) throw notFound(`"${plugin.slug}" has no stable release`, "no_release");
  const withdrawn = new Set(plugin.index.deprecated);
  const older = plugin.index.packages
    .filter((other) => !withdrawn.has(other.version) && semver.lt(other.version, latest))
    .sort((a, b) => semver.rcompare(a.version, b.version));
  return [entry, ...older];
}

async function servePackageFile(context: Context, fileName: string): Promise<Response> {
  const plugin = await loadPlugin(context.env.ASSETS, context.slug, context.now.getTime());
  requireActive(plugin);
  if (fileName === latestPackageFileName(plugin.slug))
    return servePackage(context, plugin, latestStableChoices(plugin));
  const entry = plugin.packageFile(fileName);
  if (!entry) throw notFound(`no package ${fileName}`, "no_release");
  return servePackage(context, plugin, [entry]);
}

/**
 * A published package (offers.json lists every one, with what vouches for its bytes): the
 * first of `choices` whose rollout is not halted, or that the site already runs (?installed=).
 * One call to the plugin's history checks the halts and counts the download.
 */
async function servePackage(context: Context, plugin: LoadedPlugin, choices: OfferPackage[]): Promise<Response> {
  const [first] = choices;
  if (!first) throw notFound(`"${plugin.slug}" has no such package`, "no_release");
  if (plugin.index.private) {
    await checkSignedDownload(
      context.url,
      context.env.DOWNLOAD_URL_KEY,
      plugin.slug,
      first.version,
      Math.floor(context.now.getTime() / 1000),
    );
  }
  let asset = await context.env.ASSETS.fetch(assetRequest(pluginFilePath(plugin.slug, first.file)));
  if (!asset.ok || !asset.body)
    throw notFound(`package ${first.file} is missing from the published folder`, "no_release");
  const gate = await gatePackageRequest(context.env, plugin.slug, context.request, {
    choices: publishedRollouts(
      plugin.index,
      choices.map((choice) => choice.version),
    ),
    installed: installedVersionOf(context.url, INSTALLED_VERSION_PARAM),
    counted: isCountedDownload(context.request) ? { kind: downloadKind(context.request, context.url) } : null,
    now: context.now,
    ttlDays: ttlDays(context.env),
  });
  if (gate.version === null) {
    await asset.body?.cancel();
    throw haltedError(plugin.slug, gate.halt);
  }
  const release = choices.find((choice) => choice.version === gate.version) ?? first;
  if (release !== first) {
    // The latest stable is halted: an older one is served (and counted) instead.
    await asset.body?.cancel();
    asset = await context.env.ASSETS.fetch(assetRequest(pluginFilePath(plugin.slug, release.file)));
    if (!asset.ok || !asset.body)
      throw notFound(`package ${release.file} is missing from the published folder`, "no_release");
  }
  return new Response(context.request.method === "HEAD" ? null : asset.body, {
    headers: {
      "content-type": "application/zip",
      "content-length": String(release.size ?? ""),
      "content-disposition": `attachment; filename="${release.file}"`,
      "x-content-signature": release.signatures[0]?.signature ?? "",
      "x-checksum-sha256": release.sha256 ?? "",
      "x-checksum-md5": release.md5 ?? "",
      // A versioned package never changes; the -latest and API URLs move with each release.
      "cache-control": plugin.index.private
        ? "private, no-store"
        : context.url.pathname.endsWith(`/${release.file}`)
          ? "public, max-age=31536000, immutable"
          : "public, max-age=300",
    },
  });
}

async function siteReport(context: Context, required: { status: boolean }) {
  const plugin = await loadPlugin(context.env.ASSETS, context.slug, context.now.getTime());
  const key = await authenticateSite(context.request, context.env.INSTALLATIONS, plugin.slug);
  const body = await readBody(context.request);
  const siteId =
    stringField(body, "site_id", { required: true, pattern: SITE_ID_PATTERN, max: SITE_ID_MAX_LENGTH }) ?? "";
  if (siteId !== key.site_id)
    throw new ApiError(403, "forbidden", `this API key belongs to another site than "${siteId}"`);
  await limitRate(context.env.RATE_LIMIT_SITE, `site:${plugin.slug}:${siteId}`);
  const versionText = stringField(body, "version", { required: true, pattern: REPORTED_VERSION_PATTERN }) ?? "";
  const version = normaliseVersion(versionText);
  if (!version) throw badRequest(`version: "${versionText}" is not a version`, "invalid_version");
  const status = stringField(body, "status", { required: required.status, max: 32 });
  stringField(body, "last_sync", { required: false, max: 64 });
  return {
    plugin,
    siteId,
    version,
    status,
    wpVersion: stringField(body, "wp_version", { required: false, pattern: REPORTED_VERSION_PATTERN }),
    phpVersion: stringField(body, "php_version", { required: false, pattern: REPORTED_VERSION_PATTERN }),
    // What decides the site's offer, so its health is judged by it (feedwright's updater from version 3).
    channel: (stringField(body, "channel", { required: false, pattern: CHANNEL_PATTERN }) ?? null) as Channel | null,
    rolloutId: stringField(body, "rollout_id", { required: false, pattern: SITE_ID_PATTERN, max: SITE_ID_MAX_LENGTH }),
  };
}

/** How long an installation record lives without a report, INSTALLATION_TTL_DAYS (30 when unset or not a number, at least 1). */
function ttlDays(env: Env): number {
  const days = Number(env.INSTALLATION_TTL_DAYS ?? "30");
  return Math.max(1, Number.isFinite(days) ? days : 30);
}

function ttlSeconds(env: Env): number {
  return ttlDays(env) * 86_400;
}

async function saveReport(context: Context, report: Awaited<ReturnType<typeof siteReport>>, reported: string | null) {
  const { plugin } = report;
  const at = { now: context.now, ttlDays: ttlDays(context.env) };
  return recordInstallation(context.env.INSTALLATIONS, {
    slug: plugin.slug,
    siteId: report.siteId,
    version: report.version,
    wpVersion: report.wpVersion,
    phpVersion: report.phpVersion,
    channel: report.channel,
    rolloutId: report.rolloutId,
    // One call to the plugin's history: it counts the report, judges the rollout guards on the
    // counts, and says whether what the site would be offered is held back by a halt.
    judge: async (figures, registered) => {
      const error = reportsError(reported);
      const recorded = await recordReportHistory(
        context.env,
        plugin.slug,
        {
          siteId: figures.siteId,
          version: figures.version,
          wpVersion: figures.wpVersion,
          phpVersion: figures.phpVersion,
          registered,
        },
        { error, offers: error ? [] : publishedRollouts(plugin.index, await offersFor(plugin.index, figures)) },
        at,
        guardedReleasesOf(plugin.index),
      );
      // This isolate answers from the halts at once, not after HOLDS_CACHE_MS.
      if (recorded.halts.length > 0) forgetHolds(plugin);
      return recorded.health;
    },
    now: context.now,
    ttlSeconds: ttlSeconds(context.env),
  });
}

async function register(context: Context): Promise<Response> {
  const report = await siteReport(context, { status: false });
  const { written, metadata } = await saveReport(context, report, null);
  return jsonResponse(
    { registered: true, site_id: report.siteId, version: report.version, health: metadata.h, updated: written },
    201,
  );
}

async function healthCheck(context: Context): Promise<Response> {
  const report = await siteReport(context, { status: true });
  const { written, metadata } = await saveReport(context, report, report.status);
  return jsonResponse({
    site_id: report.siteId,
    health: metadata.h,
    latest_version: report.plugin.index.latest.stable,
    updated: written,
  });
}

/**
 * The rollout guard's halts (scripts/contract/rollout-guard.ts). GET, public: the versions held
 * back now (what the updater inside the plugin reads before it offers a release). POST, with
 * the admin token: halt or resume a release by hand (`feedwright rollout halt|resume`).
 */
async function rollout(context: Context): Promise<Response> {
  if (context.request.method === "POST") {
    requireAdmin(context.request, context.env.ADMIN_TOKEN);
    const plugin = await loadPlugin(context.env.ASSETS, context.slug, context.now.getTime());
    requireActive(plugin);
    return jsonResponse(await changeRolloutByHand(context.env, plugin, context.request, context.now));
  }
  const plugin = await loadPlugin(context.env.ASSETS, context.slug, context.now.getTime());
  // Short-lived: a halt reaches every reader within a minute.
  return jsonResponse(await answerRolloutHolds(context.env, plugin), 200, { "cache-control": "public, max-age=60" });
}

async function stats(context: Context): Promise<Response> {
  requireAdmin(context.request, context.env.ADMIN_TOKEN);
  const plugin = await loadPlugin(context.env.ASSETS, context.slug, context.now.getTime());
  return jsonResponse(await answerStats(context.env, plugin.index, context.url, context.now, ttlDays(context.env)));
}

/**
 * On schedule, for each plugin: its history opens the new day (so a day without traffic still
 * has its figures) and the census of its installation records is counted again.
 */
async function openHistoryDays(env: Env, now: Date): Promise<void> {
  const feed = await env.ASSETS.fetch(assetRequest(FEED_PATH));
  if (!feed.ok) return;
  const { plugins } = (await feed.json()) as FeedDocument;
  for (const slug of Object.keys(plugins)) {
    await historyOf(env, slug).fresh(now.toISOString(), ttlDays(env));
    const plugin = await loadPlugin(env.ASSETS, slug, now.getTime()).catch(() => null);
    if (plugin) await refreshCensus(env, plugin.index, now);
  }
}
