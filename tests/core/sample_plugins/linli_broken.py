"""A plugin whose import fails: the site must list it as failed and still serve."""

raise ImportError("linli_broken cannot find a library it needs")
