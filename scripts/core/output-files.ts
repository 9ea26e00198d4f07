/**
 * The published folder as plain data: every file's path and bytes, decided here from the plan,
 * the signed packages and the publication. scripts/io/write-output.ts writes them.
 */

import {
  CHANNELS,
  checksumFileName,
  checkUpdateFileName,
  DEPRECATIONS_FILE,
  FEED_PATH,
  FEED_SIGNATURE_PATH,
  FILES_OUTSIDE_MANIFEST,
  GEEKLOG_INDEX_PATH,
  GEEKLOG_STATUS_BODY,
  infoFileName,
  latestPackageFileName,
  MANIFEST_PATH,
  OFFERS_FILE,
  type PackageSignature,
  pluginFilePath,
  publicKeyFilePath,
  RELEASES_FILE,
  renderGeeklogListing,
  signatureFileName,
} from "../contract/index.ts";
import { type DashboardTemplates, renderDashboard } from "./dashboard.ts";
import { sha256Hex } from "./digest.ts";
import {
  type Publication,
  renderChecksumFile,
  renderCheckUpdate,
  renderDeprecations,
  renderFeed,
  renderHeaders,
  renderInfo,
  renderManifest,
  renderOfferIndex,
  renderReleases,
  type SignedPackageFacts,
  toCanonicalJson,
  toJsonText,
} from "./documents.ts";
import { GEEKLOG_STATIC_PATHS, renderGeeklogIndex } from "./geeklog.ts";
import { renderPages } from "./pages.ts";
import type { BuildPlan } from "./plan.ts";
import { compareText } from "./problems.ts";
import { renderSignatureFile, type SigningKey } from "./signing.ts";

/**
 * A file of the published folder: its bytes, or a copy of a file (a package in the cache) that
 * must hash to `sha256`: the writer checks the copy it makes, so what is published is what was
 * hashed and signed, without holding every package in memory.
 */
export type OutputFile =
  | { path: string; content: string | Buffer }
  | { path: string; copyFrom: string; sha256: string };

/**
 * A package as the published folder needs it: its facts and signatures, and its bytes (checked
 * and signed), or the file that holds them (a package in the cache, copied and checked again).
 */
export type PublishedPackage = {
  slug: string;
  version: string;
  fileName: string;
  facts: { sha256: string; md5: string; size: number };
  signatures: PackageSignature[];
} & ({ bytes: Buffer } | { file: string });

export interface PageTemplates {
  index: string;
  plugin: string;
  style: string;
  geeklog: string;
  /** The release health dashboard (dashboard.ts); without it no dashboard/ is written. */
  dashboard?: Omit<DashboardTemplates, "style">;
}

/** The file at the top of every output folder that says feedwright wrote it (published, harmless). */
export const OUTPUT_MARKER = ".feedwright-output";
export const MARKER_FIRST_LINE = "feedwright output folder";
export const MARKER_TEXT = `${MARKER_FIRST_LINE}
Written by \`feedwright build\`, which replaces this folder as a whole on every build:
keep nothing else in it.
`;

/**
 * The marker as an output file, listed like every file the build publishes (so the signed
 * manifest covers it too). The writer writes it first in any case and accepts it in the list
 * only with exactly this content.
 */
export function outputMarkerFile(): OutputFile {
  return { path: OUTPUT_MARKER, content: MARKER_TEXT };
}

/**
 * Every file of the published folder, as plain data: the packages' checked and signed bytes
 * included. manifest.json lists the SHA-256 of every file built here before it, and the signed
 * feed the SHA-256 of the manifest: whatever the build adds to the list is covered by construction.
 */
export function renderOutputFiles(
  plan: BuildPlan,
  packages: PublishedPackage[],
  templates: PageTemplates,
  publication: Publication,
  keys: SigningKey[],
): OutputFile[] {
  const facts = new Map<string, Map<string, SignedPackageFacts>>();
  for (const built of packages) {
    const perPlugin = facts.get(built.slug) ?? new Map<string, SignedPackageFacts>();
    perPlugin.set(built.version, { ...built.facts, signatures: built.signatures });
    facts.set(built.slug, perPlugin);
  }
  const files: OutputFile[] = [];
  const documentDigests = new Map<string, Record<string, string>>();
  for (const plugin of plan.plugins) {
    const pluginFacts = facts.get(plugin.slug) ?? new Map<string, SignedPackageFacts>();
    for (const built of packages.filter((candidate) => candidate.slug === plugin.slug)) {
      const signatureFile = built.signatures.map((line) => `${line.signature}\n`).join("");
      const names = [
        built.fileName,
        ...(built.version === plugin.latest.stable ? [latestPackageFileName(plugin.slug)] : []),
      ];
      for (const name of names) {
        const at = pluginFilePath(plugin.slug, name);
        files.push(
          "file" in built
            ? { path: at, copyFrom: built.file, sha256: built.facts.sha256 }
            : { path: at, content: built.bytes },
        );
        files.push({ path: pluginFilePath(plugin.slug, signatureFileName(name)), content: signatureFile });
      }
      files.push({
        path: pluginFilePath(plugin.slug, checksumFileName(built.fileName)),
        content: renderChecksumFile(built.facts.sha256, built.fileName),
      });
    }
    const documents: [string, object | null][] = [
      ...CHANNELS.map((channel): [string, object | null] => [
        infoFileName(channel),
        renderInfo(plugin, channel, pluginFacts),
      ]),
      ...CHANNELS.map((channel): [string, object | null] => [
        checkUpdateFileName(channel),
        renderCheckUpdate(plugin, channel, pluginFacts),
      ]),
      [RELEASES_FILE, renderReleases(plugin, pluginFacts)],
      [OFFERS_FILE, renderOfferIndex(plugin, pluginFacts)],
      [DEPRECATIONS_FILE, renderDeprecations(plugin)],
    ];
    const digests: Record<string, string> = {};
    for (const [name, document] of documents) {
      if (!document) continue;
      const content = toJsonText(document);
      digests[name] = sha256Hex(content);
      files.push({ path: pluginFilePath(plugin.slug, name), content });
    }
    documentDigests.set(plugin.slug, digests);
    for (const asset of plugin.assets) {
      files.push({ path: pluginFilePath(plugin.slug, asset.path), content: Buffer.from(asset.bytes) });
    }
  }
  for (const key of publication.keys) {
    files.push({ path: publicKeyFilePath(key.id), content: `${key.public_key}\n` });
  }
  files.push(...renderGeeklogRepository(plan));
  files.push({ path: "_headers", content: renderHeaders(plan.plugins) });
  files.push(outputMarkerFile());
  files.push(...renderPages(plan.plugins, facts, templates, publication.keys));
  if (templates.dashboard)
    files.push(...renderDashboard(plan.plugins, { ...templates.dashboard, style: templates.style }));
  const manifest = Buffer.from(toCanonicalJson(renderManifest(listDigests(files))));
  const feed = Buffer.from(
    toCanonicalJson(renderFeed(plan.plugins, facts, publication, documentDigests, sha256Hex(manifest))),
  );
  files.push({ path: MANIFEST_PATH, content: manifest });
  files.push({ path: FEED_PATH, content: feed });
  files.push({ path: FEED_SIGNATURE_PATH, content: renderSignatureFile(feed, keys) });
  return files.sort((a, b) => compareText(a.path, b.path));
}

/**
 * The Geeklog repository's static files, when the feed has a Geeklog plugin: status.rep, the
 * listing the client pulls, and the index the Worker answers the check and the downloads from.
 */
function renderGeeklogRepository(plan: BuildPlan): OutputFile[] {
  const index = renderGeeklogIndex(plan.plugins);
  if (!index) return [];
  return [
    { path: GEEKLOG_STATIC_PATHS.status, content: GEEKLOG_STATUS_BODY },
    { path: GEEKLOG_STATIC_PATHS.listing, content: renderGeeklogListing(index) },
    { path: GEEKLOG_INDEX_PATH, content: toJsonText(index) },
  ];
}

/**
 * Each file's path and the SHA-256 of the bytes it will have, sorted by path: hashed from the
 * very bytes handed to the writer, or, for a copy, the sha256 the writer holds the copy to.
 */
function listDigests(files: OutputFile[]): [string, string][] {
  return files
    .map((file): [string, string] => {
      if (FILES_OUTSIDE_MANIFEST.includes(file.path)) throw new Error(`${file.path} cannot be listed in the manifest`);
      return [file.path, "content" in file ? sha256Hex(file.content) : file.sha256];
    })
    .sort(([a], [b]) => compareText(a, b));
}
