/**
 * A strict reader of PHP's serialize() format, for the one place a client sends it: Geeklog's
 * repository client posts its installed plugins as `serialize(array(id => array(version,
 * count)))` (scripts/contract/geeklog.ts). Only plain data is read: arrays, strings, integers,
 * booleans and null. Objects (`O:`, `C:`), references (`r:`, `R:`), enums (`E:`) and floats are
 * refused, so nothing here can ever stand for an object, call a method or alias a value, as
 * PHP's own unserialize() would. Arrays come back as Maps (keys are whatever the client sent,
 * never looked up in a plain object), strings are counted in bytes as PHP counts them, and the
 * whole text must be one value with nothing after it.
 */

export type PhpValue = string | number | boolean | null | PhpArray;
export type PhpArray = Map<string | number, PhpValue>;

export interface PhpSerializedLimits {
  /** Nesting of arrays (the Geeklog check needs 2). */
  maxDepth: number;
  /** Elements of all arrays together. */
  maxElements: number;
  /** Bytes of one string. */
  maxStringBytes: number;
}

const DEFAULT_LIMITS: PhpSerializedLimits = { maxDepth: 4, maxElements: 10_000, maxStringBytes: 4096 };

/** The largest integer PHP writes on 64-bit builds; beyond JavaScript's safe range it is refused. */
const INTEGER = /^-?(0|[1-9][0-9]{0,15})$/;

/**
 * Read one serialized value from `text` (the decoded form field), refusing anything else: an
 * Error saying what was expected and at which byte.
 */
export function parsePhpSerialized(text: string, limits: Partial<PhpSerializedLimits> = {}): PhpValue {
  const bytes = new TextEncoder().encode(text);
  const reader = new Reader(bytes, { ...DEFAULT_LIMITS, ...limits });
  const value = reader.value(0);
  if (reader.at !== bytes.length) throw new Error(`unexpected data after the value at byte ${reader.at}`);
  return value;
}

class Reader {
  at = 0;
  private elements = 0;
  private readonly bytes: Uint8Array;
  private readonly limits: PhpSerializedLimits;

  constructor(bytes: Uint8Array, limits: PhpSerializedLimits) {
    this.bytes = bytes;
    this.limits = limits;
  }

  private fail(message: string): never {
    throw new Error(`${message} at byte ${this.at}`);
  }

  private char(): string {
    const byte = this.bytes[this.at];
    return byte === undefined ? "" : String.fromCharCode(byte);
  }

  private expect(text: string): void {
    for (const expected of text) {
      if (this.char() !== expected) this.fail(`expected ${JSON.stringify(expected)}`);
      this.at += 1;
    }
  }

  /** Digits (and a leading minus) up to `end`, as a safe integer. */
  private integer(end: string): number {
    const start = this.at;
    while (this.at < this.bytes.length && /[-0-9]/.test(this.char())) this.at += 1;
    const digits = new TextDecoder().decode(this.bytes.subarray(start, this.at));
    if (!INTEGER.test(digits)) {
      this.at = start;
      this.fail("expected an integer");
    }
    const value = Number(digits);
    if (!Number.isSafeInteger(value)) {
      this.at = start;
      this.fail("expected an integer PHP and JavaScript both hold exactly");
    }
    this.expect(end);
    return value;
  }

  value(depth: number): PhpValue {
    const type = this.char();
    this.at += 1;
    switch (type) {
      case "N":
        this.expect(";");
        return null;
      case "b": {
        this.expect(":");
        const flag = this.char();
        if (flag !== "0" && flag !== "1") this.fail("expected 0 or 1");
        this.at += 1;
        this.expect(";");
        return flag === "1";
      }
      case "i":
        this.expect(":");
        return this.integer(";");
      case "s":
        this.expect(":");
        return this.string();
      case "a":
        this.expect(":");
        return this.array(depth + 1);
      case "":
        return this.fail("expected a value, found the end");
      default:
        this.at -= 1;
        return this.fail(
          `refusing ${JSON.stringify(type)}: only arrays, strings, integers, booleans and null are read (no objects or references)`,
        );
    }
  }

  private string(): string {
    const length = this.integer(":");
    if (length < 0 || length > this.limits.maxStringBytes)
      this.fail(`expected a string of at most ${this.limits.maxStringBytes} bytes`);
    this.expect('"');
    if (this.at + length > this.bytes.length) this.fail("the string is shorter than its length");
    const raw = this.bytes.subarray(this.at, this.at + length);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(raw);
    } catch {
      return this.fail("expected UTF-8 text in the string");
    }
    this.at += length;
    this.expect('";');
    return text;
  }

  private array(depth: number): PhpArray {
    if (depth > this.limits.maxDepth) this.fail(`expected arrays nested at most ${this.limits.maxDepth} deep`);
    const count = this.integer(":");
    if (count < 0) this.fail("expected a count of 0 or more");
    this.elements += count;
    if (this.elements > this.limits.maxElements) this.fail(`expected at most ${this.limits.maxElements} elements`);
    this.expect("{");
    const entries: PhpArray = new Map();
    for (let index = 0; index < count; index += 1) {
      const keyType = this.char();
      if (keyType !== "i" && keyType !== "s") this.fail("expected an integer or string key");
      const key = this.value(depth) as string | number;
      if (entries.has(key)) this.fail(`the key ${JSON.stringify(key)} is there twice`);
      entries.set(key, this.value(depth));
    }
    this.expect("}");
    return entries;
  }
}
