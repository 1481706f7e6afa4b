"""Test hook: keeps each page as the theme wrote it, before macros/output_hooks.py trims and
squeezes it, in the site's `.unsqueezed/` folder (same path as the page)."""
from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(50)      # before output_hooks.py's on_post_page (default priority)
def on_post_page(output, page, config):
    path = Path(config["site_dir"]) / ".unsqueezed" / page.file.dest_uri
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(output, encoding="utf-8")
    return output
