import { ApiError, badRequest } from "./errors.ts";

/** Bodies of register and health-check are small JSON objects; anything bigger is refused. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * A request's fields by name. A Map, never a plain object: a field is only what the client
 * sent, so `__proto__`, `constructor` or `toString` are names like any other, a missing field
 * is never found on Object.prototype, and a body's `{"__proto__": {...}}` cannot stand in for
 * the fields it leaves out.
 */
export type Fields = ReadonlyMap<string, unknown>;

/** Fields from several sources, later ones over earlier ones (the query, then the body). */
export function collectFields(...sources: Iterable<readonly [string, unknown]>[]): Fields {
  const fields = new Map<string, unknown>();
  for (const source of sources) for (const [name, value] of source) fields.set(name, value);
  return fields;
}

/** Read a JSON object body (or form fields), refusing oversized and malformed input. */
export async function readBody(request: Request): Promise<Fields> {
  const text = new TextDecoder().decode(await readLimited(request));
  const type = request.headers.get("content-type") ?? "";
  // curl -d sends JSON labelled as a form; a body that starts with "{" is read as JSON.
  if (type.includes("application/x-www-form-urlencoded") && !text.trimStart().startsWith("{")) {
    return collectFields(new URLSearchParams(text));
  }
  if (text.trim() === "") return collectFields();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest("the body is not valid JSON", "malformed_json");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("the body must be a JSON object", "malformed_json");
  }
  // Own keys only (JSON.parse makes "__proto__" an own key, not the prototype).
  return collectFields(Object.entries(value));
}

/**
 * Read at most a few times the limit and stop: an oversized body is refused without being
 * held in memory, but small overruns are drained so the client sees the 413 rather than a
 * connection reset mid-upload.
 */
async function readLimited(request: Request): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES * 4) {
      await reader.cancel();
      throw tooLarge();
    }
    if (size <= MAX_BODY_BYTES) chunks.push(value);
  }
  if (size > MAX_BODY_BYTES) throw tooLarge();
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

function tooLarge(): ApiError {
  return new ApiError(413, "payload_too_large", `the body is larger than ${MAX_BODY_BYTES} bytes`);
}

/** A field as a short string: strings as they are, numbers written out; anything else a 400. */
export function stringField(
  body: Fields,
  name: string,
  { required, pattern, max = 64 }: { required: boolean; pattern?: RegExp; max?: number },
): string | null {
  const value = body.get(name);
  if (value === undefined || value === null || value === "") {
    if (required) throw badRequest(`${name} is required`, "invalid_field");
    return null;
  }
  if (typeof value !== "string" && typeof value !== "number") {
    throw badRequest(
      `${name}: expected a string, found ${Array.isArray(value) ? "a list" : typeof value}`,
      "invalid_field",
    );
  }
  const text = String(value);
  if (text.length > max || (pattern && !pattern.test(text))) {
    throw badRequest(`${name}: "${text.slice(0, 40)}" is not a valid ${name}`, "invalid_field");
  }
  return text;
}
