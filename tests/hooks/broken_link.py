"""Test hook: the contacts page links to a page that does not exist, which mkdocs warns about
(and, with `strict: true`, fails the build for)."""


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri == "contacts.md":
        return markdown + "\n\n[A page that is not there](no-such-page.md)\n"
    return markdown
