"""Rules over pages: front matter, links, images, anchors; reports; --external glue."""
