"""Imported, loads what the pipeline's stages read (:func:`taizhang.pipeline.warm_up`).

A local pool's fork server imports it first (:class:`taizhang.runners.LocalPool`), so that every
worker forked from it starts with the rules, dictionaries and tables loaded, once for all of them.
"""

from taizhang.pipeline import warm_up

warm_up()
