/**
 * The time a request is handled at. Local simulations (many days of sites in one test run)
 * set it with the X-Feedwright-Now header, which is honoured only when the Worker has the
 * FEEDWRIGHT_DEV_CLOCK binding set to "1": `npm run dev -- --dev-clock` passes it as a local
 * variable; no deployed environment in worker/wrangler.jsonc has it (a test checks that), so in
 * production the header is ignored and the time is the platform's.
 */
import { badRequest } from "./errors.ts";

export const NOW_HEADER = "x-feedwright-now";

export function requestTime(request: Request, env: { FEEDWRIGHT_DEV_CLOCK?: string }): Date {
  const now = new Date();
  if (env.FEEDWRIGHT_DEV_CLOCK !== "1") return now;
  const declared = request.headers.get(NOW_HEADER);
  if (declared === null) return now;
  const time = new Date(declared);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/.test(declared) || Number.isNaN(time.getTime()))
    throw badRequest(`${NOW_HEADER}: "${declared.slice(0, 40)}" is not an ISO time in UTC`, "invalid_field");
  return time;
}
