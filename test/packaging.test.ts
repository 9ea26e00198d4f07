import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../scripts/core/markdown.ts";
import { checkPackagedMainFile, createExcludeMatcher, stampVersion } from "../scripts/core/packaging.ts";

describe("dev files", () => {
  const isExcluded = createExcludeMatcher(["docs", "assets/*.psd", "/build/cache"]);
  it.each([
    [".git/config", true],
    ["tests/test-a.php", true],
    ["includes/tests/fixture.php", true],
    ["sync/__pycache__/x.pyc", true],
    ["igny8-bridge.php.bak", true],
    ["admin/.DS_Store", true],
    ["includes/api-tester.php", true],
    ["docs/README.md", true],
    ["assets/logo.psd", true],
    ["build/cache/a.txt", true],
    ["igny8-bridge.php", false],
    ["includes/testing-helpers.php", false],
    ["assets/logo.png", false],
    ["assets/nested/logo.psd", false],
    ["src/build/cache/a.txt", false],
  ])("%s excluded: %s", (file, excluded) => {
    expect(isExcluded(file)).toBe(excluded);
  });
});

describe("stamping the version", () => {
  const main = `<?php\n/**\n * Plugin Name: Demo\n * Version:     0.1.0\n */\ndefine( 'DEMO_VERSION', '0.1.0' );\ndefine("OTHER_VERSION", "9.9.9");\n`;

  it("rewrites the header and the constant and nothing else", () => {
    const { text, problems } = stampVersion(main, "1.3.0-beta.1", "DEMO_VERSION");
    expect(problems).toEqual([]);
    expect(text).toContain(" * Version:     1.3.0-beta.1\n");
    expect(text).toContain("define( 'DEMO_VERSION', '1.3.0-beta.1' );");
    expect(text).toContain('define("OTHER_VERSION", "9.9.9");');
  });

  it("reports a missing header and a missing constant instead of skipping them", () => {
    expect(stampVersion("<?php\n", "1.0.0", "DEMO_VERSION").problems).toEqual([
      'has no "Version:" line in its plugin header',
      "has no define('DEMO_VERSION', '...')",
    ]);
  });

  it("checks the packaged file names the version and the api_base", () => {
    const expected = { version: "1.0.0", versionConstant: "DEMO_VERSION", apiBase: "https://api.example.com/api" };
    expect(checkPackagedMainFile(stampVersion(main, "1.0.0", "DEMO_VERSION").text, expected)).toEqual([
      "does not contain the api_base https://api.example.com/api",
    ]);
  });
});

describe("changelog Markdown", () => {
  it("renders formatting but escapes raw HTML and drops script links", () => {
    const html = renderMarkdown(
      "**Fixed** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com)",
    );
    expect(html).toContain("<strong>Fixed</strong>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<a href="https://example.com">ok</a>');
  });
});
