/**
 * `feedwright verify <url>` reads every published package to check it, from the same
 * addresses sites download them from; those reads are not downloads. It sends this header,
 * and the Worker does not count a package request that carries it (worker/src/downloads.ts).
 *
 * Anyone may send it: it only leaves that one request out of the download statistics. It
 * skips nothing else (a private plugin still needs its signed URL, the rate limits still
 * apply), so all a client gains by sending it is not being counted.
 */
export const VERIFY_REQUEST_HEADER = "x-feedwright-verify";
