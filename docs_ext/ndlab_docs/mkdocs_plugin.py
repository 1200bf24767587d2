"""The MkDocs plugin: ```` ```ndlab ```` fences become demos, the embed script goes on the pages
that have one, and ndlab's site is copied into the built site.

In ``mkdocs.yml``: ``plugins: [ndlab]``, or ``plugins: [{ndlab: {url: https://ndlab.example.org/}}]``
to use an ndlab hosted there instead of the copy in ``ndlab/``.
"""

import re

from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.utils import get_relative_url

from ndlab_docs import demos, site

#: Where the site goes in the built site.
COPY = "ndlab"
#: A fenced block, as Python-Markdown reads one: three or more backticks or tildes at the start of
#: a line, an info string (```ndlab is a demo), closed by the same fence. A page is read block by
#: block, so a demo's fence shown inside another block (a recipe written as code) stays as written.
FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S,
)


class NdlabPlugin(BasePlugin):
    config_scheme = (("url", config_options.Type(str, default="")),)

    def on_config(self, config):
        self.pages_with_demos = set()
        return config

    def on_page_markdown(self, markdown, page, config, files):
        """Replace each ndlab fence by its demo's element; stop the build on a bad demo."""
        source = page.file.content_string
        # the markdown has lost the page's front matter: count lines as in the file
        offset = source[: source.find(markdown)].count("\n") if markdown in source else 0

        def replace(match):
            if match["info"] != "ndlab":
                return match[0]
            line = offset + markdown.count("\n", 0, match.start()) + 1
            try:
                demo = demos.read(fence_options(match["body"]))
            except demos.DemoError as exc:
                raise PluginError(f"ndlab: {page.file.src_uri}:{line}: {exc}") from None
            self.pages_with_demos.add(page.file.src_uri)
            # raw HTML stays as written when it stands alone between blank lines
            return f"\n{demos.element(demo)}\n"

        return FENCE.sub(replace, markdown)

    def on_post_page(self, output, page, config):
        """Load the embed script on each page with a demo (once, however many demos it has)."""
        if page.file.src_uri not in self.pages_with_demos:
            return output
        url = self.config["url"]
        src = site.script_url(url) if url else get_relative_url(f"{COPY}/{site.EMBED_JS}", page.url)
        tag = f'<script src="{src}" defer></script>\n'
        head = output.find("</head>")
        return output[:head] + tag + output[head:] if head >= 0 else tag + output

    def on_post_build(self, config):
        """Put ndlab's site into the built site, unless ``url`` names one elsewhere."""
        if not self.config["url"]:
            site.copy_site(f"{config['site_dir']}/{COPY}")


def fence_options(body):
    """A fence's ``key: value`` lines as options (name -> text); raises DemoError."""
    options = {}
    for number, text in enumerate(body.splitlines(), 1):
        if not text.strip():
            continue
        key, colon, value = text.partition(":")
        if not colon:
            raise demos.DemoError(f"line {number} of the block is not 'key: value': {text.strip()}")
        options[key.strip()] = value.strip()
    return options
