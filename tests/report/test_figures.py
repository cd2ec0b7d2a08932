"""SVG figures made fit for a page: ids kept apart, labelled as images, sized to stay readable."""

from __future__ import annotations

from provbridge.report.figures import FIT_WIDTH, figure, inline_svg

SVG = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n'
       '<!-- made by hand -->\n<svg width="300pt" height="100pt"\n viewBox="0 0 300 100" xmlns="http://www.w3.org/2000/svg">'
       '<metadata><rdf:RDF>about</rdf:RDF></metadata>\n'
       '<defs><clipPath id="p1"><rect/></clipPath><path id="m2"/></defs>'
       '<g id="node1" clip-path="url(#p1)"><use xlink:href="#m2"/><text>id="node1" &amp; url(#p1)</text></g></svg>')


def test_inline_svg_prefixes_ids_and_labels_the_image() -> None:
    assert inline_svg(SVG, prefix="f1-", label="a <chart>") == (
        '<svg width="300pt" height="100pt"\n viewBox="0 0 300 100" xmlns="http://www.w3.org/2000/svg" role="img" '
        'aria-label="a &lt;chart&gt;"><title>a &lt;chart&gt;</title>'
        '<defs><clipPath id="f1-p1"><rect/></clipPath><path id="f1-m2"/></defs>'
        '<g id="f1-node1" clip-path="url(#f1-p1)"><use xlink:href="#f1-m2"/>'
        '<text>id="node1" &amp; url(#p1)</text></g></svg>'  # text content is left as it is
    )


def test_figures_fit_the_page_unless_too_wide() -> None:
    narrow = inline_svg(SVG, prefix="a-", label="n")
    wide = narrow.replace('width="300pt"', f'width="{FIT_WIDTH + 1}pt"')
    assert figure(narrow, "cap").startswith('<figure><div class="canvas fit"><svg ')
    assert figure(wide, "cap").startswith('<figure><div class="canvas wide"><svg ')
    assert figure(narrow, "a & b").endswith("</svg></div><figcaption>a &amp; b</figcaption></figure>")
