"""The Sphinx recipe of docs/embedding.md. ndlab is served at https://ndlab.example.org/ (the
test puts the address of its own server here)."""

project = "Image processing with SciPy"
html_js_files = [("https://ndlab.example.org/static/embed.js", {"defer": "defer"})]
