"""Test hook: the contacts page links to a file under docs/assets/, as a model page linking to
a form would."""


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri == "contacts.md":
        return markdown + "\n\n[The policy's stylesheet](assets/policy.css)\n"
    return markdown
