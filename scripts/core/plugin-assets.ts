/**
 * A plugin's images (icon and banner) kept beside its YAML in releases/<slug>/assets/ and
 * published with the feed at plugins/<slug>/assets/<name>. plugin.yaml names them in `icons`
 * and `banners` by that path; a URL there is published in info.json as it is, but the pages
 * never load it, since they load nothing from another origin.
 *
 * Published files are served from the feed's own origin, where a script in an image would
 * run if someone opened the image itself: so only raster images whose bytes are what their
 * name says, and SVG without scripts, event handlers or references to anything outside the
 * file, are accepted (and _headers serves them with a sandboxing Content-Security-Policy).
 */

/** Where a plugin's images live in its folder, and in its published folder. */
export const ASSETS_FOLDER = "assets";

/** The largest image accepted: the same bound as a YAML file under releases/. */
export const MAX_ASSET_BYTES = 1024 * 1024;

/**
 * Served with every published image (_headers): opened on its own, an image can load nothing,
 * run nothing and style only itself.
 */
export const ASSET_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/** `assets/<name>.<ext>`: one plain file name in the assets folder. */
export const ASSET_PATH_PATTERN = /^assets\/[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(png|jpg|jpeg|gif|webp|svg)$/;

export function isAssetPath(value: string): boolean {
  return ASSET_PATH_PATTERN.test(value);
}

type ImageKind = "png" | "jpeg" | "gif" | "webp" | "svg";

const KIND_OF_EXTENSION: Record<string, ImageKind> = {
  png: "png",
  jpg: "jpeg",
  jpeg: "jpeg",
  gif: "gif",
  webp: "webp",
  svg: "svg",
};

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((byte, index) => bytes[at + index] === byte);
}

const ascii = (text: string) => [...text].map((character) => character.charCodeAt(0));

/** The raster format the bytes are, by their signature; null for anything else. */
function rasterKindOf(bytes: Uint8Array): Exclude<ImageKind, "svg"> | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "webp";
  return null;
}

/**
 * What an SVG may not contain: anything that runs (scripts, event handlers, javascript: URLs),
 * embeds a document, or reaches outside the file (a reference that is not `#fragment`, CSS
 * imports and url()s, entities from a DTD). Matched case-insensitively on the whole text.
 */
const SVG_REFUSED: readonly [RegExp, string][] = [
  [/<script\b/i, "a <script> element"],
  [/<foreignObject\b/i, "a <foreignObject> element"],
  [/<(iframe|embed|object|audio|video)\b/i, "an embedded document or media element"],
  [/<!DOCTYPE|<!ENTITY/i, "a document type or entity declaration"],
  [/<\?xml-stylesheet/i, "a style sheet processing instruction"],
  [/[\s"'/]on[a-z]+\s*=/i, "an event handler attribute (on...=)"],
  [/javascript:/i, "a javascript: URL"],
  [/\bhref\s*=\s*(?!["']#)/i, "a reference to another file or address (only #fragment references)"],
  [/url\(\s*["']?\s*(?!#)/i, "a CSS url() to another file or address (only url(#fragment))"],
  [/@import/i, "a CSS @import"],
];

/**
 * Why these bytes may not be published as the image `assetPath` names, or null when they may.
 */
export function checkAssetBytes(assetPath: string, bytes: Uint8Array): string | null {
  if (bytes.length > MAX_ASSET_BYTES) {
    return `is larger than ${MAX_ASSET_BYTES / (1024 * 1024)} MiB (${MAX_ASSET_BYTES} bytes): published images must stay small`;
  }
  if (bytes.length === 0) return "is empty";
  const extension = assetPath.slice(assetPath.lastIndexOf(".") + 1).toLowerCase();
  const kind = KIND_OF_EXTENSION[extension];
  if (!kind) return "is not a PNG, JPEG, GIF, WebP or SVG image";
  const raster = rasterKindOf(bytes);
  if (kind !== "svg") {
    return raster === kind ? null : `is not a ${kind.toUpperCase()} image (its bytes are ${raster ?? "not an image"})`;
  }
  if (raster) return `is a ${raster.toUpperCase()} image, not an SVG`;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "is not UTF-8 text, as an SVG must be";
  }
  if (!/<svg[\s/>]/i.test(text)) return "has no <svg> element";
  for (const [pattern, what] of SVG_REFUSED) {
    if (pattern.test(text)) return `contains ${what}: an SVG published with the feed may only draw`;
  }
  return null;
}
