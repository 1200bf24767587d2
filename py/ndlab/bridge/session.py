"""What the page's Python holds between jobs: the inputs, their step results, what steps cost.

An input (canvas pixels, or the array of a file) is kept once under an id, and pipelines run on
it in full precision through one :class:`ndlab.pipeline.Cache`, so that editing the last step
reruns only it. Every step is checked against the memory it would need first
(:func:`ndlab.bridge.memory.check_memory`), and a slider preview may run on a smaller copy
(:mod:`ndlab.draft`) when the steps were slow at full size.
"""

import itertools

import numpy as np

from ..draft import MAX_FACTOR, draft_steps, factor_for, shrink
from ..pipeline import Cache, normalise_steps, prefixes, run_pipeline
from .memory import CACHE_BYTES, NotEnoughMemory, check_memory

#: The ids a page may choose for its inputs, [low, high): above those counted here.
CHOSEN_IDS = (2**31, 2**53)


class UnknownInput(LookupError):
    """A job names an input this Python does not hold (released, or loaded by another worker)."""


class Session:
    """The inputs of one Python, by id, with their step results, drafts and costs.

    Parameters
    ----------
    cache_bytes : int
        The most bytes of step results kept between runs.

    Attributes
    ----------
    inputs : dict
        ``{id: (array, file)}``: the arrays pipelines start from, and the ``(name, variable)``
        of the file each was read from (None for pixels).
    cache : ndlab.pipeline.Cache
        Step results of every input, under ``(id, steps so far)``; a draft's under
        ``((id, factor), steps so far)``.
    drafts : dict
        Each input shrunk for drafts, by ``(id, factor)``.
    costs : dict
        What computing each step last cost at full size, in ms, by ``(id, position,
        operation)``, and making the display of a result by ``(id, None, None)``: what a
        preview would cost.

    Examples
    --------
    >>> session = Session()
    >>> image = session.keep(np.eye(80))
    >>> result, factor = session.run(image, [{"name": "gaussian_filter"}])
    >>> result.data.shape, factor
    ((80, 80), 1)
    >>> session.release(image)
    """

    def __init__(self, cache_bytes=CACHE_BYTES):
        self.inputs = {}
        self._ids = itertools.count(1)
        self.cache = Cache(cache_bytes)
        self.drafts = {}
        self.costs = {}

    def keep(self, array, file=None, input_id=None):
        """Keep `array` as an input, read from `file` ``(name, variable)``; return its id.

        `input_id` is the page's own choice (see ``newInputId`` in static/api.js: a whole number
        from 2**31, so as not to meet the ids counted here); None counts the next one.
        """
        if input_id is None:
            input_id = next(self._ids)
        elif not (isinstance(input_id, int) and CHOSEN_IDS[0] <= input_id < CHOSEN_IDS[1]):
            raise ValueError(
                f"an input's id is a whole number from 2**31 to 2**53, not {input_id!r}"
            )
        elif input_id in self.inputs:
            raise ValueError(f"input {input_id} is held already; choose another id")
        self.inputs[input_id] = (np.ascontiguousarray(array), file)
        return input_id

    def input(self, input_id):
        """Return ``(array, file)`` of input `input_id`; UnknownInput if it is not held."""
        if input_id not in self.inputs:
            raise UnknownInput(f"input {input_id} is not loaded in this Python; load it again")
        return self.inputs[input_id]

    def release(self, input_id):
        """Forget input `input_id`, its step results, drafts and costs (nothing if unknown)."""
        self.inputs.pop(input_id, None)
        self.cache.forget_input(input_id)
        for factor in range(2, MAX_FACTOR + 1):
            self.cache.forget_input((input_id, factor))
            self.drafts.pop((input_id, factor), None)
        for key in [key for key in self.costs if key[0] == input_id]:
            del self.costs[key]

    def held_bytes(self):
        """The bytes of the inputs, their drafts and the cached step results."""
        arrays = [array for array, _ in self.inputs.values()] + list(self.drafts.values())
        return sum(array.nbytes for array in arrays) + self.cache.nbytes

    def draft(self, input_id, factor):
        """Return input `input_id` shrunk `factor` times (kept for the next previews)."""
        small = self.drafts.get((input_id, factor))
        if small is None:
            small = self.drafts[input_id, factor] = shrink(self.input(input_id)[0], factor)
        return small

    def run(self, input_id, steps, preview=False):
        """Run a pipeline on input `input_id`, reusing and keeping step results; memory-checked.

        Parameters
        ----------
        input_id : int
            An id from :meth:`keep`.
        steps : list of dict
            ``[{"name", "params"}, ...]``.
        preview : bool
            A slider preview: when the steps to compute took longer than
            :data:`ndlab.draft.BUDGET_MS` at full size, run a draft on a copy k times smaller
            (:meth:`draft`) with :func:`ndlab.draft.draft_steps`.

        Returns
        -------
        result : ndlab.pipeline.Result
        factor : int
            k, 1 for a full-size run.

        Raises
        ------
        NotEnoughMemory
            If a step would not fit even with the cache emptied.
        UnknownInput, ValueError
            For an input not held, or a malformed step.
        """
        image, file = self.input(input_id)
        factor = factor_for(self.cost(input_id, steps), image.shape) if preview else 1

        def before(operation, shape, params):
            def check():
                check_memory(
                    operation.name,
                    shape,
                    params,
                    input_bytes=image.nbytes,
                    held_bytes=self.held_bytes(),
                )

            try:
                check()
            except NotEnoughMemory:
                self.cache.trim(0)  # the results kept for later edits give way to this run
                check()

        if factor == 1:
            source, key, stretch = image, input_id, None
        else:
            source, key = self.draft(input_id, factor), (input_id, factor)
            steps = draft_steps(steps, factor)
            stretch = image.dtype != np.uint8  # as the full run displays it
        result = run_pipeline(
            source, steps, cache=self.cache, key=key, stretch=stretch, before=before, file=file
        )
        return result, factor

    def cost(self, input_id, steps):
        """What running `steps` at full size would cost now, in ms (None: unknown).

        The steps whose results the cache holds cost nothing; the others what they last cost at
        their position, and the display what it last cost.
        """
        normalised = normalise_steps(steps)
        total = self.costs.get((input_id, None, None))
        keyed = zip(normalised, prefixes(normalised), strict=True)
        for position, ((operation, _), prefix) in enumerate(keyed):
            if self.cache.holds((input_id, prefix)):
                continue
            cost = self.costs.get((input_id, position, operation.name))
            total = None if cost is None or total is None else total + cost
        return total

    def record_costs(self, input_id, result, total_ms):
        """Keep what each step computed in full-size `result` cost, and its display, for
        :meth:`cost`; `total_ms` is what the whole run cost."""
        computed = 0.0
        timed = zip(result.steps, result.timings["steps"], strict=True)
        for position, (outcome, timing) in enumerate(timed):
            if not timing["reused"]:
                cost = outcome.compute_ms + outcome.convert_ms
                self.costs[input_id, position, timing["name"]] = cost
                computed += cost
        self.costs[input_id, None, None] = max(0.0, total_ms - computed)
