"""Publishing: schools' policies as versions on the pages branch, one transaction per run.

Lowest first:
    git.py             plumbing: read a commit's files, write blobs and trees (no work tree)
    workspace.py       a publish's scratch folder in .git, swept after a hard kill; signals held
    transaction.py     the one function that moves the branch: lock, compose, commit, push, CAS
    mike_format.py     versions.json and alias redirects, as mike writes them
    retention.py       how much of an old version stays (print page, record, redirects)
    version_history.py the records, "in force on", the history and landing pages
    release.py         a school's version built and in git, waiting for the transaction
    school_folder.py   one school's folder with a release placed in it
    pages_tree.py      the whole new tree for a batch of releases
    site_build.py      building releases with the batch builder
    converge.py        what differs between the school files and the branch
    checks.py          what is checked before anything is built
    publish.py         `policy publish`: plan, build, transaction
    shards.py          the workflow's split into shards, and a shard's pack
    assemble.py        the shards' releases through the same transaction
    command.py         the command line's modes and what it prints
"""
