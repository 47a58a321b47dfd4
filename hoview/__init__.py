"""hoview: look at radiographs and mark findings on them.

The annotations live in a sidecar JSON file beside each image, never in the pixels.
"""

__version__ = "0.1.0"
