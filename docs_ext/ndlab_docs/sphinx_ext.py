"""The Sphinx extension: the ``ndlab`` directive, the embed script on the pages that use it, and
ndlab's site copied into the HTML output.

In ``conf.py``: ``extensions = ["ndlab_docs"]``; ``ndlab_url = "https://ndlab.example.org/"``
uses an ndlab hosted there instead of the copy in ``_static/ndlab/``.
"""

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.errors import SphinxError
from sphinx.util.docutils import SphinxDirective

from ndlab_docs import demos, site

#: Where the site goes in the HTML output, under _static/ (Sphinx's folder of static files).
COPY = "ndlab"


class DemoError(SphinxError):
    """A demo ndlab cannot show: the build stops, naming the page and line."""

    category = "ndlab error"


class NdlabDirective(SphinxDirective):
    """``.. ndlab:: NAME`` with the options :data:`ndlab_docs.demos.OPTIONS` (but ``name``)."""

    required_arguments = 1
    option_spec = {key: directives.unchanged for key in demos.OPTIONS if key != "name"}

    def run(self):
        source, line = self.get_source_info()
        try:
            demo = demos.read({"name": self.arguments[0], **self.options})
        except demos.DemoError as exc:
            raise DemoError(f"{source}:{line}: {exc}") from None
        node = nodes.raw("", demos.element(demo), format="html")
        node["ndlab"] = True
        return [node]


def has_demo(doctree):
    return (
        doctree is not None
        and doctree.next_node(lambda node: isinstance(node, nodes.raw) and node.get("ndlab"))
        is not None
    )


def add_script(app, pagename, templatename, context, doctree):
    """Load the embed script on each page with a demo (once, however many demos it has)."""
    if has_demo(doctree):
        url = app.config.ndlab_url
        # a relative file name is one under _static/
        app.add_js_file(site.script_url(url) if url else f"{COPY}/{site.EMBED_JS}", defer="defer")


def copy_site(app, exception):
    """Put ndlab's site into the HTML output, unless ``ndlab_url`` names one elsewhere."""
    if exception is None and app.builder.format == "html" and not app.config.ndlab_url:
        site.copy_site(app.outdir / "_static" / COPY)


def setup(app):
    app.add_config_value("ndlab_url", "", "html", types=[str])
    app.add_directive("ndlab", NdlabDirective)
    app.connect("html-page-context", add_script)
    app.connect("build-finished", copy_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
