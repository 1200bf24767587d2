"""ndlab's live demos in documentation: a Sphinx extension and a MkDocs plugin.

Sphinx: ``extensions = ["ndlab_docs"]`` in ``conf.py``, then ``.. ndlab:: NAME`` in a page.
MkDocs: ``plugins: [ndlab]`` in ``mkdocs.yml``, then a fenced ``ndlab`` block in a page.
Every demo is checked against ndlab's catalogue when the docs are built (``demos.py``); the
built docs carry ndlab's site with them (``site.py``) unless ``ndlab_url`` / ``url`` names one.
"""


def setup(app):
    """Sphinx's entry point (``extensions = ["ndlab_docs"]``): Sphinx is imported only here, so
    MkDocs users need no Sphinx."""
    from ndlab_docs.sphinx_ext import setup as setup_sphinx

    return setup_sphinx(app)
