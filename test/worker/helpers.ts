import { env, exports } from "cloudflare:workers";
import { type ApiErrorBody, type ApiErrorCode, apiKeyEntry } from "../../scripts/contract/index.ts";

export const ORIGIN = "https://feed.example";
let address = 0;

/** A request to the Worker from its own address, so the per-IP limit is not what a test meets. */
export function call(pathAndQuery: string, init: RequestInit & { ip?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("cf-connecting-ip"))
    headers.set("cf-connecting-ip", init.ip ?? `10.9.${Math.floor(address / 250)}.${address++ % 250}`);
  return exports.default.fetch(new Request(`${ORIGIN}${pathAndQuery}`, { ...init, headers }));
}

export function postJson(pathAndQuery: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(pathAndQuery, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Store an API key the way `feedwright sites add` does. */
export async function issueApiKey(siteId: string, slug = "demo"): Promise<string> {
  const apiKey = `test-key-${siteId}-${crypto.randomUUID()}`;
  const entry = await apiKeyEntry(apiKey, { site_id: siteId, slug, created_at: "2026-01-01T00:00:00.000Z" });
  await env.INSTALLATIONS.put(entry.key, JSON.stringify(entry.record), { metadata: entry.metadata });
  return apiKey;
}

export async function expectJsonError(response: Response, status: number, code: ApiErrorCode): Promise<void> {
  const { expect } = await import("vitest");
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  const body = (await response.json()) as ApiErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
}
