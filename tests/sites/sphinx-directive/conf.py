"""The Sphinx recipe of docs/embedding.md with ndlab's extension (pip install ndlab_docs-*.whl):
the demos are checked when the site is built, and ndlab's site is copied into it."""

project = "Image processing with SciPy"
extensions = ["ndlab_docs"]
