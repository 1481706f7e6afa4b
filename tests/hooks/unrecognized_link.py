"""Test hook: the contacts page links to a folder, which mkdocs reports at INFO level
("unrecognized relative link") and builds all the same."""


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri == "contacts.md":
        return markdown + "\n\n[A folder](some-folder/)\n"
    return markdown
