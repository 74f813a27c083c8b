"""Imported, loads what the pipeline's stages read (:func:`taizhang.pipeline.warm_up`).

A local pool's fork server imports it first (:class:`taizhang.runners.LocalPool`), so that every
worker forked from it starts with the rules, dictionaries and tables loaded, once for all of them.
What is loaded then lives as long as the worker: frozen out of the garbage collector's reach
(:func:`gc.freeze`), so that no worker's collections walk it again and again, nor copy the pages
it shares with the fork server into its own memory by touching them.
"""

import gc

from taizhang.pipeline import warm_up

warm_up()
gc.freeze()
