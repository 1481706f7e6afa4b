"""Test hook: a file under assets/ whose name holds a space, as an editor might save a form."""
from pathlib import Path

from mkdocs.structure.files import File


def on_files(files, config):
    files.append(File("assets/Referral form.txt", str(Path(__file__).parent / "files"),
                      config.site_dir, config.use_directory_urls))
    return files
