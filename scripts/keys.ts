/**
 * Where signing keys come from: the environment (CI: FEEDWRIGHT_SIGNING_KEY, and
 * FEEDWRIGHT_NEXT_SIGNING_KEY while rotating) or, for local use, a development key that the
 * first build creates in the git-ignored .feedwright/keys/.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { KeyFormatError, parseSigningKey, type SigningKey, signingKeyFromSeed } from "./core/signing.ts";

export const SIGNING_KEY_ENV = "FEEDWRIGHT_SIGNING_KEY";
export const NEXT_SIGNING_KEY_ENV = "FEEDWRIGHT_NEXT_SIGNING_KEY";

export interface ResolvedKeys {
  /** Current key first, then the announced next key, if any. */
  keys: SigningKey[];
  source: string;
  /** A development key was created by this call. */
  created: boolean;
}

export class MissingKeyError extends Error {}

export function devKeyPath(repoRoot: string): string {
  return path.join(repoRoot, ".feedwright", "keys", "dev-signing-key");
}

export function generateSeed(): string {
  return randomBytes(32).toString("base64");
}

export async function resolveSigningKeys(options: {
  env: NodeJS.ProcessEnv;
  repoRoot: string;
  /** Refuse the development key: publishing must sign with the real one. */
  requireEnvironmentKey?: boolean;
  /** Create the development key when there is none (build); `keys public` only reads. */
  createDevKey?: boolean;
}): Promise<ResolvedKeys> {
  const fromEnv = options.env[SIGNING_KEY_ENV];
  const next = options.env[NEXT_SIGNING_KEY_ENV]
    ? [parseKey(options.env[NEXT_SIGNING_KEY_ENV] ?? "", NEXT_SIGNING_KEY_ENV)]
    : [];
  if (fromEnv)
    return { keys: [parseKey(fromEnv, SIGNING_KEY_ENV), ...next], source: `$${SIGNING_KEY_ENV}`, created: false };
  if (options.requireEnvironmentKey) {
    throw new MissingKeyError(
      `${SIGNING_KEY_ENV} is not set: publishing signs with the key from the environment, not a development key`,
    );
  }
  const file = devKeyPath(options.repoRoot);
  const existing = await readFile(file, "utf8").catch(() => null);
  if (existing) return { keys: [parseKey(existing, file), ...next], source: `development key ${file}`, created: false };
  if (!options.createDevKey)
    throw new MissingKeyError(`no signing key: set ${SIGNING_KEY_ENV} or run a build to create a development key`);
  const seed = generateSeed();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${seed}\n`, { mode: 0o600, flag: "wx" });
  return {
    keys: [signingKeyFromSeed(Buffer.from(seed, "base64")), ...next],
    source: `development key ${file}`,
    created: true,
  };
}

function parseKey(text: string, where: string): SigningKey {
  try {
    return parseSigningKey(text);
  } catch (error) {
    if (error instanceof KeyFormatError) throw new MissingKeyError(`${where}: ${error.message}`);
    throw error;
  }
}
