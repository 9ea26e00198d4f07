/**
 * Geeklog's plugin repository: the answers that depend on the request. The listing and
 * status.rep are static files; here are the update check the client posts and the three
 * download endpoints, which redirect to the package (counted where it is served, and refused
 * there while its release's rollout is halted). Everything is read from the published
 * geeklog/repository.json, once a minute per isolate.
 */
import {
  decideGeeklogOffer,
  findGeeklogDownload,
  GEEKLOG_CHECK_COMMAND,
  GEEKLOG_CHECK_FIELD,
  GEEKLOG_INDEX_FORMAT,
  GEEKLOG_INDEX_PATH,
  type GeeklogIndex,
  pluginFilePath,
  readGeeklogInstalled,
  renderGeeklogCheckAnswer,
} from "../../scripts/contract/index.ts";
import { readBody, stringField } from "./body.ts";
import { ApiError, badRequest, notFound } from "./errors.ts";
import { assetRequest } from "./releases.ts";

const CACHE_MS = 60_000;
let cached: { index: GeeklogIndex | null; loadedAt: number } | null = null;

async function loadIndex(assets: Fetcher, now: number): Promise<GeeklogIndex> {
  if (!cached || now - cached.loadedAt >= CACHE_MS) {
    const response = await assets.fetch(assetRequest(GEEKLOG_INDEX_PATH));
    const index = response.ok ? ((await response.json()) as GeeklogIndex) : null;
    cached = { index: index?.format === GEEKLOG_INDEX_FORMAT ? index : null, loadedAt: now };
  }
  if (!cached.index) throw notFound("this feed has no Geeklog plugins, so no Geeklog repository");
  return cached.index;
}

/** A pid: the whole number the client puts after ?pid= (1 to 2^31-1, as its INT column holds). */
function readPid(url: URL): number {
  const text = url.searchParams.get("pid") ?? "";
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 2 ** 31 - 1)
    throw badRequest(
      `pid: expected a whole number from 1 to 2147483647, found "${text.slice(0, 40)}"`,
      "invalid_field",
    );
  return Number(text);
}

/**
 * POST cmd/nchkpdate.php?cmd=2 with REPOSITORY_ARRAY_PATCHES (PHP-serialized, read strictly):
 * the one patch or upgrade this site may install next, as the client's XML. A body that is
 * not what the client sends is a 400 with a JSON error; the client treats any failed request
 * as "no updates from this repository". An update whose release is halted (`heldOf`, asked
 * only when there is something to offer) is not offered: the next one is, if any.
 */
export async function answerGeeklogCheck(
  request: Request,
  url: URL,
  assets: Fetcher,
  now: number,
  heldOf: (slug: string, version: string) => Promise<boolean>,
): Promise<Response> {
  const command = url.searchParams.get("cmd");
  if (command !== GEEKLOG_CHECK_COMMAND) {
    throw badRequest(
      `cmd: expected ${GEEKLOG_CHECK_COMMAND} (the update check), found ${command === null ? "nothing" : `"${command.slice(0, 20)}"`}`,
      "invalid_field",
    );
  }
  const fields = await readBody(request);
  const posted = stringField(fields, GEEKLOG_CHECK_FIELD, { required: true, max: 16 * 1024 }) ?? "";
  const read = readGeeklogInstalled(posted);
  if ("problem" in read) throw badRequest(`${GEEKLOG_CHECK_FIELD}: ${read.problem}`, "malformed_serialized");
  let index = await loadIndex(assets, now);
  let offer = decideGeeklogOffer(index, read.installed);
  while (offer && (await heldOf(offer.item.slug, offer.item.version))) {
    const passedOver = offer.item;
    index = { ...index, items: index.items.filter((item) => item !== passedOver) };
    offer = decideGeeklogOffer(index, read.installed);
  }
  return new Response(renderGeeklogCheckAnswer(offer), {
    headers: { "content-type": "text/xml; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * get.php?pid=<listing id>, patches/get_patch.php?pid=<id>, upgrades/get_upgrade.php?pid=<id>:
 * a redirect to the package at /plugins/<slug>/<file>, where the Worker serves and counts it
 * (auto_update for an update the client installs, manual for get.php's download).
 */
export async function redirectGeeklogDownload(
  endpoint: "get" | "patch" | "upgrade",
  url: URL,
  assets: Fetcher,
  now: number,
): Promise<Response> {
  const pid = readPid(url);
  const found = findGeeklogDownload(await loadIndex(assets, now), endpoint, pid);
  if (!found) throw notFound(`no Geeklog ${endpoint === "get" ? "listing" : endpoint} with id ${pid}`, "no_release");
  if (!found.file) throw new ApiError(404, "not_retained", `${found.version} is no longer kept for download`);
  const kind = endpoint === "get" ? "manual" : "auto_update";
  const location = `${url.origin}/${pluginFilePath(found.slug, encodeURIComponent(found.file))}?type=${kind}`;
  return new Response(null, { status: 302, headers: { location, "cache-control": "no-store" } });
}
