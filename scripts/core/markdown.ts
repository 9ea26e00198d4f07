import MarkdownIt from "markdown-it";

// Raw HTML in a changelog is escaped, not passed through, and markdown-it refuses
// javascript:, vbscript: and file: links: the result is safe to show in wp-admin.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

export function renderMarkdown(text: string): string {
  return markdown.render(text);
}
