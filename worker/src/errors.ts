/**
 * One error type for the whole API, mapped to `{"error": {"code", "message"}}` with its
 * status (its codes: ApiErrorCode in scripts/contract). Anything else thrown is a bug: it is
 * logged and answered as a JSON 500 without details, never a stack trace (the fuzz test keeps
 * that from ever happening).
 */
import type { ApiErrorBody, ApiErrorCode } from "../../scripts/contract/index.ts";

export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly headers: Record<string, string>;
  constructor(status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  /** The answer a client gets for this error. */
  getResponse(): Response {
    const body: ApiErrorBody = { error: { code: this.code, message: this.message } };
    return jsonResponse(body, this.status, this.headers);
  }
}

export const badRequest = (message: string, code: ApiErrorCode = "bad_request") => new ApiError(400, code, message);
export const notFound = (message: string, code: ApiErrorCode = "not_found") => new ApiError(404, code, message);

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return error.getResponse();
  console.error("unexpected error", error instanceof Error ? error.message : String(error));
  return new ApiError(500, "internal", "internal error").getResponse();
}
