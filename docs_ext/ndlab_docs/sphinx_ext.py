"""The Sphinx extension: the ``ndlab`` directive, the embed script on the pages that use it, and
ndlab's site copied into the HTML output.

In ``conf.py``: ``extensions = ["ndlab_docs"]``; ``ndlab_url = "https://ndlab.example.org/"``
uses an ndlab hosted there instead of the copy in ``_static/ndlab/``.
"""

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ndlab_docs import demos, site

#: Where the site goes in the HTML output, under _static/ (Sphinx's folder of static files).
COPY = "ndlab"
logger = logging.getLogger(__name__)


class NdlabDirective(SphinxDirective):
    """``.. ndlab:: NAME`` with the options :data:`ndlab_docs.demos.OPTIONS` (but ``name``).

    A demo ndlab cannot show is an error naming the page and line (``PAGE.rst:LINE: ERROR:
    ndlab: ...``), and the build fails (see :func:`fail_on_bad_demos`).
    """

    required_arguments = 1
    option_spec = {key: directives.unchanged for key in demos.OPTIONS if key != "name"}

    def run(self):
        try:
            demo = demos.read({"name": self.arguments[0], **self.options})
        except demos.DemoError as exc:
            bad_demos(self.env).append((self.env.docname, self.lineno, str(exc)))
            return []
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


def bad_demos(env):
    """The bad demos found so far, (page, line, message) each, kept in Sphinx's environment: pages
    read in parallel report theirs there, and a page left unread by a later build keeps them."""
    if not hasattr(env, "ndlab_bad_demos"):
        env.ndlab_bad_demos = []
    return env.ndlab_bad_demos


def forget_page(app, env, docname):
    env.ndlab_bad_demos = [bad for bad in bad_demos(env) if bad[0] != docname]


def merge_pages(app, env, docnames, other):
    bad_demos(env).extend(bad_demos(other))


def fail_on_bad_demos(app, exception):
    """Name each bad demo's page and line, and fail the build (exit status 1): Sphinx would let an
    error pass without ``-W``, and the page would show nothing where the demo should be."""
    if exception is None and bad_demos(app.env):
        for page, line, message in bad_demos(app.env):
            logger.error("ndlab: %s", message, location=(page, line))
        app.statuscode = 1


def copy_site(app, exception):
    """Put ndlab's site into the HTML output, unless ``ndlab_url`` names one elsewhere."""
    if exception is None and app.builder.format == "html" and not app.config.ndlab_url:
        site.copy_site(app.outdir / "_static" / COPY)


def setup(app):
    app.add_config_value("ndlab_url", "", "html", types=[str])
    app.add_directive("ndlab", NdlabDirective)
    app.connect("html-page-context", add_script)
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_pages)
    app.connect("build-finished", copy_site)
    app.connect("build-finished", fail_on_bad_demos)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
