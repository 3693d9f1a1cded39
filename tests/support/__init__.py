"""Code the tests and benchmarks share, kept out of the package: a GIF decoder that shows what
a viewer displays (``gif_decode``) and synthetic diagram-like frame sets (``synthetic_frames``).
Tests import it as ``support`` (pytest puts ``tests/`` on the path); bench scripts add
``tests/`` to ``sys.path``."""
