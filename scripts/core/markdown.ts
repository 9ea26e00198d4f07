import MarkdownIt from "markdown-it";

// Raw HTML in a changelog is escaped, not passed through, and markdown-it refuses
// javascript:, vbscript: and file: links: the result is safe to show in wp-admin.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/**
 * Rendered texts by their Markdown: a build shows each changelog in info.json, info-beta.json and
 * the page, so a thousand releases are rendered once each, not three times. Bounded.
 */
const rendered = new Map<string, string>();
const MAX_REMEMBERED = 10_000;

export function renderMarkdown(text: string): string {
  let html = rendered.get(text);
  if (html === undefined) {
    html = markdown.render(text);
    if (rendered.size >= MAX_REMEMBERED) rendered.clear();
    rendered.set(text, html);
  }
  return html;
}
