/**
 * One error type for the whole API, mapped to `{"error": {"code", "message"}}` with its
 * status. Anything else thrown is a bug: it is logged and answered as a JSON 500 without
 * details, never a stack trace (the fuzz test keeps that from ever happening).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const badRequest = (message: string, code = "bad_request") => new ApiError(400, code, message);
export const notFound = (message: string, code = "not_found") => new ApiError(404, code, message);

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    return jsonResponse({ error: { code: error.code, message: error.message } }, error.status, error.headers);
  }
  console.error("unexpected error", error instanceof Error ? error.message : String(error));
  return jsonResponse({ error: { code: "internal", message: "internal error" } }, 500);
}
