/**
 * The Geeklog wire format's pure parts: the strict reader of PHP-serialized input, checked
 * against what PHP's own serialize() writes, and the one-item offer decision.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  decideGeeklogOffer,
  type GeeklogIndex,
  type GeeklogUpdateItem,
  geeklogRepositoryUrl,
  parsePhpSerialized,
  readGeeklogInstalled,
} from "../../scripts/contract/index.ts";

const run = promisify(execFile);
const phpSerialize = async (expression: string) => (await run("php", ["-r", `echo serialize(${expression});`])).stdout;

describe("the PHP-serialized reader", () => {
  it("issue 13: reads what PHP's serialize() writes of the client's check, as Maps", async () => {
    // As show_available_updates() builds it: ids from the database become integer keys, the
    // version and count stay the database's text (a count never set is NULL).
    const text = await phpSerialize(`array('1971871255' => array('1.0.0', '0'), 540205990 => array('1.1.0', null))`);
    expect(text).toBe('a:2:{i:1971871255;a:2:{i:0;s:5:"1.0.0";i:1;s:1:"0";}i:540205990;a:2:{i:0;s:5:"1.1.0";i:1;N;}}');
    expect(parsePhpSerialized(text)).toEqual(
      new Map<number, unknown>([
        [
          1971871255,
          new Map<number, unknown>([
            [0, "1.0.0"],
            [1, "0"],
          ]),
        ],
        [
          540205990,
          new Map<number, unknown>([
            [0, "1.1.0"],
            [1, null],
          ]),
        ],
      ]),
    );
    expect(readGeeklogInstalled(text)).toEqual({
      installed: [
        { id: 1971871255, version: "1.0.0", updateCount: 0 },
        { id: 540205990, version: "1.1.0", updateCount: 0 },
      ],
    });
  });

  it("issue 13: counts string lengths in bytes, as PHP does", async () => {
    const text = await phpSerialize(`array('é' => 'ü€', 'x' => true, 'n' => -7)`);
    expect(parsePhpSerialized(text)).toEqual(
      new Map<string, unknown>([
        ["é", "ü€"],
        ["x", true],
        ["n", -7],
      ]),
    );
  });

  it.each([
    ["an object", 'O:8:"stdClass":0:{}', /refusing "O"/],
    ["a custom-serialized object", 'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}', /refusing "C"/],
    ["a reference", "a:2:{i:0;i:1;i:1;R:2;}", /refusing "R"/],
    ["an enum", 'E:7:"Foo:Bar";', /refusing "E"/],
    ["a float", "d:0.5;", /refusing "d"/],
    ["trailing data", "i:1;i:2;", /unexpected data after the value/],
    ["a short string", 's:5:"abc";', /shorter than its length|expected "\\""/],
    ["an array key that is an array", "a:1:{a:0:{}i:1;}", /integer or string key/],
    ["a key twice", "a:2:{i:1;i:1;i:1;i:2;}", /there twice/],
    ["a huge count", "a:99999999:{}", /at most/],
    ["nothing", "", /the end/],
  ])("issue 13: refuses %s", (_name, text, message) => {
    expect(() => parsePhpSerialized(text)).toThrow(message);
  });
});

function item(
  fields: Partial<GeeklogUpdateItem> & Pick<GeeklogUpdateItem, "id" | "kind" | "version" | "from">,
): GeeklogUpdateItem {
  return {
    slug: "hello",
    geeklog_version: fields.version.replace(/\+.*/, ""),
    update: null,
    name: "Hello",
    plugin_name: "hello",
    description: "",
    severity: "normal",
    file: `hello-v${fields.version}.zip`,
    ...fields,
  };
}

describe("the offer", () => {
  const index: GeeklogIndex = {
    format: "feedwright-geeklog/1",
    listing: [
      {
        id: 10,
        slug: "hello",
        version: "1.0.0",
        geeklog_version: "1.0.0",
        name: "Hello",
        plugin_name: "hello",
        description: "",
        author: "",
        requirements: "",
        db: 0,
        state: "released",
        file: null,
      },
      {
        id: 11,
        slug: "hello",
        version: "1.1.0",
        geeklog_version: "1.1.0",
        name: "Hello",
        plugin_name: "hello",
        description: "",
        author: "",
        requirements: "",
        db: 0,
        state: "released",
        file: null,
      },
    ],
    items: [
      item({ id: 20, kind: "upgrade", version: "1.1.0", from: "1.0.0" }),
      item({ id: 21, kind: "patch", version: "1.1.0+update.1", from: "1.1.0", update: 1 }),
      item({ id: 22, kind: "patch", version: "1.1.0+update.3", from: "1.1.0", update: 3 }),
      item({ id: 23, kind: "upgrade", version: "1.2.0", from: "1.1.0" }),
    ],
  };
  it.each([
    ["on 1.0.0: the upgrade to 1.1.0", [{ id: 10, version: "1.0.0", updateCount: 0 }], 20],
    ["on 1.1.0 with no update: update 1 first", [{ id: 11, version: "1.1.0", updateCount: 0 }], 21],
    ["on 1.1.0 with update 1: update 3", [{ id: 11, version: "1.1.0", updateCount: 1 }], 22],
    ["on 1.1.0 with update 3: the upgrade to 1.2.0", [{ id: 11, version: "1.1.0", updateCount: 3 }], 23],
    [
      "on a version it sent under another listing id: by the version it runs",
      [{ id: 10, version: "1.1.0", updateCount: 9 }],
      23,
    ],
    ["on an id the listing does not have: nothing", [{ id: 99, version: "1.0.0", updateCount: 0 }], null],
    [
      "on two plugins: the first that has one",
      [
        { id: 99, version: "1.0.0", updateCount: 0 },
        { id: 10, version: "1.0.0", updateCount: 0 },
      ],
      20,
    ],
  ])("issue 13: a site %s", (_name, installed, expected) => {
    expect(decideGeeklogOffer(index, installed)?.item.id ?? null).toBe(expected);
  });
});

describe("the repository URL", () => {
  it.each([
    ["https://updates.example.com", "http://updates.example.com/geeklog/repository/main", null],
    ["https://example.com/feeds/one", "http://example.com/feeds/one/geeklog/repository/main", null],
    ["http://127.0.0.1:8787", "http://127.0.0.1/geeklog/repository/main", /no port/],
  ])("issue 13: for a feed at %s is %s", (siteUrl, url, problem) => {
    const found = geeklogRepositoryUrl(siteUrl);
    expect(found.url).toBe(url);
    if (problem) expect(found.problem).toMatch(problem);
    else expect(found.problem).toBeNull();
  });
});
