/**
 * feedwright's published contract, in one place: what the build writes and every reader of it
 * (`feedwright verify`, the Worker, the tests) relies on. Runtime-neutral: no Node modules, no
 * Buffer, WebCrypto only, so the Worker imports it as it is and its bundle holds no build code
 * (test/contract.test.ts and test/worker-platform.test.ts check both).
 */
export * from "./api-errors.ts";
export * from "./api-keys.ts";
export * from "./download-kind.ts";
export * from "./download-signature.ts";
export * from "./enums.ts";
export * from "./excerpt.ts";
export * from "./geeklog.ts";
export * from "./health-figures.ts";
export * from "./hex.ts";
export * from "./offer.ts";
export * from "./paths.ts";
export * from "./patterns.ts";
export * from "./php-serialized.ts";
export * from "./published.ts";
export * from "./rollout.ts";
export * from "./rollout-guard.ts";
export * from "./updater-constants.ts";
export * from "./verify-request.ts";
