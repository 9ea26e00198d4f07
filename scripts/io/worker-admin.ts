/**
 * The Worker's admin API as the CLI calls it (`feedwright stats`, `feedwright rollout`): the
 * Worker's origin from --url, the admin token from ADMIN_TOKEN in the environment only (on a
 * command line the shell history and `ps` would show it), JSON both ways, and an error answer
 * as a WorkerError that says the status and the Worker's code and message.
 */
import { type ApiAction, type ApiErrorBody, apiBaseFor, apiUrl, isSlug } from "../contract/index.ts";
import { MissingKeyError, UsageError, WorkerError } from "../core/errors.ts";

/** The admin token from the environment, or a MissingKeyError that says where it comes from. */
export function adminTokenOf(env: NodeJS.ProcessEnv): string {
  const token = env.ADMIN_TOKEN;
  if (!token) throw new MissingKeyError("ADMIN_TOKEN is not set: use the same value as the Worker's secret");
  return token;
}

/** The URL of one admin action of a plugin at the Worker answering at `origin` (--url). */
export function workerActionUrl(origin: string, slug: string, action: ApiAction, query = ""): string {
  if (!isSlug(slug)) throw new UsageError(`"${slug}" is not a plugin slug`);
  if (!/^https?:\/\/[^/]+\/?$/.test(origin))
    throw new UsageError(`--url: expected the Worker's origin, http(s)://host[:port], found "${origin}"`);
  return apiUrl(apiBaseFor(origin.replace(/\/+$/, "")), slug, action, query);
}

/** One request with the admin token; the JSON answer, or a WorkerError for anything else. */
export async function callWorker<T>(url: string, token: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    // fetch() says only "fetch failed": the reason (ECONNREFUSED, ENOTFOUND, ...) is its cause.
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    throw new WorkerError(`cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}${cause}`);
  }
  const text = await response.text();
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    throw new WorkerError(`${url} answered ${response.status} with something other than JSON`);
  }
  if (!response.ok) {
    const error = (answer as Partial<ApiErrorBody>).error;
    throw new WorkerError(`${url} answered ${response.status}${error ? ` (${error.code}): ${error.message}` : ""}`);
  }
  return answer as T;
}
