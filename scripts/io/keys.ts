/**
 * Where signing keys come from: the environment (CI: FEEDWRIGHT_SIGNING_KEY, and
 * FEEDWRIGHT_NEXT_SIGNING_KEY while rotating) or, for local use, a development key that the
 * first build creates in .feedwright/keys/. That folder carries its own `.gitignore` (`*`), so
 * the key stays out of git in any releases repository, not only in one whose .gitignore
 * lists .feedwright/; a key that git tracks anyway, or that other users can read, is refused.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { FeedwrightError, KeyFormatError, MissingKeyError, UnsafeKeyError } from "../core/errors.ts";
import { parseSigningKey, type SigningKey, signingKeyFromSeed } from "../core/signing.ts";

export const SIGNING_KEY_ENV = "FEEDWRIGHT_SIGNING_KEY";
export const NEXT_SIGNING_KEY_ENV = "FEEDWRIGHT_NEXT_SIGNING_KEY";

export interface ResolvedKeys {
  /** Current key first, then the announced next key, if any. */
  keys: SigningKey[];
  source: string;
  /** A development key was created by this call. */
  created: boolean;
}

const run = promisify(execFile);

export function devKeyPath(repoRoot: string): string {
  return path.join(repoRoot, ".feedwright", "keys", "dev-signing-key");
}

export function generateSeed(): string {
  return randomBytes(32).toString("base64");
}

/** Where `feedwright keys generate` writes a new key by default: beside the development key, git-ignored. */
export function generatedKeyPath(repoRoot: string): string {
  return path.join(repoRoot, ".feedwright", "keys", "signing-key");
}

/**
 * Write a new private key to `file` (mode 0600), never over an existing file, and never where
 * git would pick it up: in feedwright's key folder (which carries its own `.gitignore`), or
 * at a path git ignores or that is outside any work tree.
 */
export async function writeNewPrivateKey(file: string, seed: string, keyFolder: string): Promise<void> {
  const folder = path.dirname(file);
  if (path.resolve(folder) === path.resolve(keyFolder)) {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await ignoreKeyFolder(folder);
  } else {
    await mkdir(folder, { recursive: true });
    await refuseUnignoredPath(file);
  }
  await writeFile(file, `${seed}\n`, { mode: 0o600, flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EEXIST") {
      throw new FeedwrightError(
        `${file} already exists: feedwright never writes a key over a file (store that key, then delete it, or name another file with --out)`,
      );
    }
    throw error;
  });
  await checkDevKeyIsPrivate(file);
}

/** A key file inside a git work tree must be one git ignores: else `git add -A` commits it. */
async function refuseUnignoredPath(file: string): Promise<void> {
  const folder = path.dirname(file);
  const inWorkTree = await run("git", ["rev-parse", "--is-inside-work-tree"], { cwd: folder }).then(
    ({ stdout }) => stdout.trim() === "true",
    () => false,
  );
  if (!inWorkTree) return;
  const ignored = await run("git", ["check-ignore", "-q", "--", path.basename(file)], { cwd: folder }).then(
    () => true,
    () => false,
  );
  if (!ignored) {
    throw new UnsafeKeyError(
      `${file} is inside a git work tree and not ignored, so the private key could be committed: write it outside the repository or leave out --out (the default folder is git-ignored)`,
    );
  }
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
  if (existing) {
    await ignoreKeyFolder(path.dirname(file));
    await checkDevKeyIsPrivate(file);
    return { keys: [parseKey(existing, file), ...next], source: `development key ${file}`, created: false };
  }
  if (!options.createDevKey)
    throw new MissingKeyError(`no signing key: set ${SIGNING_KEY_ENV} or run a build to create a development key`);
  const seed = generateSeed();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // The ignore file first: there is no moment in which `git add -A` could pick up the key.
  await ignoreKeyFolder(path.dirname(file));
  await writeFile(file, `${seed}\n`, { mode: 0o600, flag: "wx" });
  await checkDevKeyIsPrivate(file);
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

/** `*` in the key folder's own .gitignore: git then ignores everything in it, in whatever repository holds it. */
async function ignoreKeyFolder(folder: string): Promise<void> {
  await writeFile(path.join(folder, ".gitignore"), "# feedwright: private signing keys never belong in git\n*\n", {
    flag: "wx",
    mode: 0o600,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
}

/**
 * Refuse a development key that could reach someone else: one git tracks (committed or
 * staged), one git would not ignore (the folder's .gitignore edited), and one other users of
 * the machine can read (as ssh refuses an unprotected private key).
 */
async function checkDevKeyIsPrivate(file: string): Promise<void> {
  const folder = path.dirname(file);
  const name = path.basename(file);
  const git = async (...args: string[]) => {
    try {
      return { ok: true, stdout: (await run("git", args, { cwd: folder })).stdout };
    } catch (error) {
      return { ok: false, stdout: "", code: (error as { code?: unknown }).code };
    }
  };
  const inWorkTree = (await git("rev-parse", "--is-inside-work-tree")).stdout.trim() === "true";
  if (inWorkTree) {
    if ((await git("ls-files", "-z", "--", name)).stdout !== "") {
      throw new UnsafeKeyError(
        `${file} is tracked by git: anyone who can read the repository can sign as you. ` +
          `Run git rm --cached on it, commit, and delete the file (the next build creates a new key); ` +
          `a key that was ever pushed must not be trusted again`,
      );
    }
    const ignored = await git("check-ignore", "-q", "--", name);
    if (!ignored.ok && ignored.code === 1) {
      throw new UnsafeKeyError(
        `${file} is not ignored by git, so it could be committed: ${path.join(folder, ".gitignore")} must hold the line "*"`,
      );
    }
  }
  if (process.platform !== "win32") {
    const mode = (await stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new UnsafeKeyError(
        `${file} can be read by other users (mode ${mode.toString(8).padStart(4, "0")}): run chmod 600 ${file}`,
      );
    }
  }
}

/**
 * The key a build would sign with, for the package cache of a command that creates none
 * (validate, check): $FEEDWRIGHT_SIGNING_KEY, else the development key when there is one.
 * Null when there is neither (a pull request's CI): the cache is then neither read nor written.
 */
export async function findCacheSigner(env: NodeJS.ProcessEnv, repoRoot: string): Promise<SigningKey | null> {
  try {
    return (await resolveSigningKeys({ env, repoRoot, createDevKey: false })).keys[0] ?? null;
  } catch (error) {
    if (error instanceof MissingKeyError) return null;
    throw error;
  }
}
