"""Write a pipeline as a Dask script: the same steps over folders of images, or one huge image.

The script reads each input into a Dask array of chunks and runs each step as its operation's
declared ``chunking`` allows (see :func:`ndlab.registry.operation`): a local operation on chunks
that overlap by its footprint (``map_overlap``), Otsu's threshold from the histogram of all
chunks, labelling across chunks with ``dask_image.ndmeasure.label``; an operation that no
chunking computes exactly runs on the whole array, and the script and the page say so. Its
functions are the operations' own source, as in ndlab's other scripts, and those of
:mod:`ndlab.dask_chunks`, read from that file (ndlab needs no Dask to write the script).
"""

import ast
import functools
import importlib
import sys
from pathlib import Path

from . import __version__
from .codegen import dependencies, function_source
from .pipeline import normalise_steps
from .plan import describe, plan, route
from .registry import CHUNKINGS
from .threshold import otsu_level

#: Import lines for names the pipeline function uses that no helper imports.
_EXTRA_IMPORTS = {
    "partial": "from functools import partial",
    "ndmeasure": "from dask_image import ndmeasure",
}
#: Variables of the pipeline function that steps' results must not take.
_RESERVED = {"image", "infos", "info", "levels", "counts", "threshold", "structure", "count"}
_RESERVED |= {"foreground", "table"}
#: What the script needs, as its docstring and its message when one is missing say.
INSTALL = "python -m pip install dask distributed dask-image scipy pillow"


def dask_script(steps):
    """Return a script that runs `steps` with Dask over many images, or one too large for memory.

    Parameters
    ----------
    steps : sequence
        The pipeline, as :func:`ndlab.run_pipeline` takes it: ``[(name,
        params), ...]`` or ``[{"name": ..., "params": ...}, ...]``.

    Returns
    -------
    str
        A script, saved as :func:`script_name` says, run as ``python
        SCRIPT INPUT... --out DIR [--scheduler ADDRESS] [--chunk N]``,
        INPUT being image files, folders of them or ``.npy``, ``.npz`` and
        ``.mat`` arrays, each read as the page reads it
        (:mod:`ndlab.reading`). It starts a ``LocalCluster`` unless given a
        scheduler's address, and writes into DIR what the page's batch puts
        in its zip: ``<name>.npy`` per input (the last step's array),
        ``measurements-step<N>-<operation>.csv`` per step that measures
        (the input's name in the first column), ``failures.csv`` (the
        inputs skipped, and why), ``pipeline.json`` and itself. Its arrays
        equal those of :func:`ndlab.run_pipeline` on the whole image
        (labels up to their numbering).

    Raises
    ------
    ValueError
        For a malformed step, an unknown operation or an invalid parameter.

    Examples
    --------
    >>> script = dask_script([("gaussian_filter", {"sigma": 2.0}), ("threshold_otsu", {})])
    >>> "depth=8" in script and "da.histogram" in script
    True
    """
    normalised = normalise_steps(steps)
    functions, body, whole_before = {}, [], False
    for step in plan(normalised, taken=_RESERVED):
        operation, params = step.operation, step.params
        lines, used = _step_lines(step, whole_before)
        body += ["", f"# {step.number}. {step.title}.", f"# {_how(operation, params)}"]
        body += lines
        functions.update(dict.fromkeys(used))
        whole_before |= _gathered(operation, params)
    source = step.name
    pipeline = _pipeline_function(body, source)
    helpers = _helper_sources()
    needed = _helpers_needed(pipeline, helpers)
    import_lines, ndlab_functions = _helper_imports()
    functions.update(
        dict.fromkeys(ndlab_functions[name] for name in needed if name in ndlab_functions)
    )
    imports, definitions = {}, {}
    for function in functions:
        more_imports, more_definitions = dependencies(function)
        imports.update(dict.fromkeys(more_imports))
        definitions.update(dict.fromkeys(more_definitions))
    helper_sources = [helpers[name] for name in needed if name in helpers]
    text = "\n".join([*definitions, pipeline, *helper_sources])
    used_names = {node.id for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Name)}
    available = {**import_lines, **_EXTRA_IMPORTS}
    imports.update(dict.fromkeys(available[name] for name in used_names if name in available))
    listed = [{"name": operation.name, "params": params} for operation, params in normalised]
    parts = [
        f'"""{_docstring(normalised)}"""',
        _import_block(imports),
        "#: The steps, as ndlab's page and run_pipeline take them.\n"
        "STEPS = [\n" + "".join(f"    {step!r},\n" for step in listed) + "]",
        *definitions,
        pipeline,
        *helper_sources,
        'if __name__ == "__main__":\n    main(pipeline, STEPS, __doc__.partition("\\n")[0])',
    ]
    return "\n\n\n".join(part.strip("\n") for part in parts) + "\n"


def script_name(steps):
    """The name the page gives the script of `steps` (``ndlab-<operations>-dask.py``).

    Examples
    --------
    >>> script_name([("gaussian_filter", {}), ("label", {})])
    'ndlab-gaussian_filter-label-dask.py'
    """
    names = [operation.name for operation, _ in normalise_steps(steps)]
    return f"ndlab-{'-'.join(names)}-dask.py"


def dask_notes(steps):
    """Return, for each step no chunking computes exactly, the sentence saying so.

    Examples
    --------
    >>> print(*dask_notes([("gaussian_filter", {}), ("fourier_lowpass", {})]))  # doctest: +ELLIPSIS
    Step 2, Fourier low-pass, cannot be computed in chunks exactly (...): the Dask script runs it...
    """
    return _notes(normalise_steps(steps))


def _gathered(operation, params):
    """Whether the step runs on the whole array: neither local nor one of the global kinds."""
    return operation.chunking not in CHUNKINGS and operation.depth(params) is None


def _notes(normalised):
    return [
        _note(number, operation)
        for number, (operation, params) in enumerate(normalised, start=1)
        if _gathered(operation, params)
    ]


def _note(number, operation):
    return (
        f"Step {number}, {operation.title}, cannot be computed in chunks exactly (its result "
        "at a pixel may depend on the whole image): the Dask script runs it on the whole "
        "array, gathered into one process's memory."
    )


def _how(operation, params):
    """How the step runs in chunks, a sentence."""
    if operation.chunking == "histogram":
        return "Otsu's level from the histogram of every chunk (a first pass)."
    if operation.chunking == "labels":
        return "Objects numbered across chunks, then measured chunk by chunk."
    depth = operation.depth(params)
    if depth is None:
        return "Not computable in chunks exactly: run on the whole array."
    if depth == 0:
        return "Pixel by pixel."
    return f"Each chunk with {depth} pixels of its neighbours, the footprint's half-width."


def _arguments(params):
    return "".join(f", {key}={value!r}" for key, value in params.items())


def _argument(step):
    """The expression of what `step` receives, by :func:`ndlab.plan.route` (not "each", "all").

    The layout of each file is learnt as the script runs: ``grey_levels`` and
    ``colour_channels`` take a 2-D array as grey.
    """
    way = route(step.operation, step.kind)
    if way in ("mask", "labels"):
        return step.source if way == "mask" else f"{step.source} > 0"
    if way == "colour":
        return f"colour_channels({step.source})"
    return f"grey_levels({step.source})"


def _step_lines(step, whole_before):
    """Return the statements of `step` in the pipeline function and the functions they call.

    `whole_before`: whether a step before ran on the whole array (and may have changed its
    shape).
    """
    operation, params, source, name = step.operation, step.params, step.source, step.name
    function = operation.name
    report = f'infos.append((({step.number}, "{operation.title}"), '
    if operation.chunking == "histogram":
        return [
            f"levels = {_argument(step)}",
            "counts, _ = da.histogram(levels, bins=256, range=(0, 256))",
            "threshold = otsu_level(counts.compute())",
            report + '{"threshold": threshold}))',
            f"{name} = levels > threshold",
        ], [otsu_level]
    if operation.chunking == "labels":
        mask = _argument(step)
        if step.kind == "image":
            mask += f" > {params['threshold']}"
        intensity = "grey_levels(image)"
        if whole_before:  # a step before may have changed the shape; ndlab then measures its input
            intensity = f"grey_levels(image if image.shape[:2] == {name}.shape else {source})"
        return [
            f"structure = ndimage.generate_binary_structure(2, {params['connectivity']})",
            "# dask-image's labelling makes hundreds of tasks per chunk: it gets chunks 4 × 4",
            "# times larger, its mask computed once, and gives its labels back in the chunks.",
            f"foreground = {_grouped(mask)}.rechunk(4 * image.chunksize[0]).persist()",
            f"{name}, count = ndmeasure.label(foreground, structure)",
            f"{name} = {name}.rechunk(image.chunksize[0])",
            f"{name}, count = dask.persist({name}, count)  # computed once, measured and saved",
            "count = int(count)",
            f"table = measure({name}, count, {intensity})",
            report + '{"objects": count, "table": table}))',
        ], []
    depth = operation.depth(params)
    arguments = _arguments(params)
    way = route(operation, step.kind)
    each = way in ("each", "all")
    alpha = ", alpha=True" if way == "all" else ""
    if depth is None:
        has_info = _returns_info(operation.function)
        if each:
            call = f"each_channel(partial(gathered, {function}{arguments}), {source}{alpha})"
        else:
            info = ", info=True" if has_info else ""
            call = f"gathered({function}, {_argument(step)}{info}{arguments})"
        if has_info:
            return [f"{name}, info = {call}", report + "info))"], [operation.function]
        return [f"{name} = {call}"], [operation.function]
    if way == "colour":
        # Pixel by pixel from three channels to one: NumPy's indexing and arithmetic, which a
        # Dask array does chunk by chunk (map_overlap keeps the number of axes).
        return [f"{name} = {function}({_argument(step)}{arguments})"], [operation.function]
    dtype = {"image": "np.float64", "mask": "bool", "labels": "np.int32"}[operation.returns]
    if each:
        mapped = f"partial(in_chunks, {function}, depth={depth}{arguments})"
        return [f"{name} = each_channel({mapped}, {source})"], [operation.function]
    call = f"in_chunks({function}, {_argument(step)}, depth={depth}"
    if dtype != "np.float64":
        call += f", dtype={dtype}"
    return [f"{name} = {call}{arguments})"], [operation.function]


def _grouped(expression):
    """`expression` in parentheses if it is more than a name."""
    return expression if expression.isidentifier() else f"({expression})"


def _returns_info(function):
    """Whether `function` returns ``(array, info)``: a ``return`` of a tuple in its source."""
    tree = ast.parse(function_source(function))
    return any(
        isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple)
        for node in ast.walk(tree)
    )


def _pipeline_function(body, last):
    lines = [
        "def pipeline(image):",
        '    """Run the steps on `image`, a Dask array: return the last array and the reports."""',
        "    infos = []",
        *(f"    {line}" if line else "" for line in body),
        "",
        f"    return {last}, infos",
    ]
    return "\n".join(lines) + "\n"


def _docstring(normalised):
    listing = "\n".join(
        f"{number}. {describe(operation, params)}"
        for number, (operation, params) in enumerate(normalised, start=1)
    )
    name = script_name([(operation.name, params) for operation, params in normalised])
    notes = _notes(normalised)
    text = (
        f"A pipeline of {len(normalised)} steps on Dask, as exported by ndlab {__version__}.\n\n"
        f"{listing}\n\n"
        "Install what it needs, then run it over image files, folders of them (subfolders too)\n"
        "and .npy, .npz or .mat arrays, each in chunks:\n\n"
        f"    {INSTALL}\n"
        f"    python {name} INPUT... --out DIR [--scheduler ADDRESS] [--chunk N]\n\n"
        "Without --scheduler it starts a LocalCluster on this machine. Each file is read as\n"
        "ndlab's page reads it (an image as the 8-bit pixels a browser gives). DIR gets what\n"
        "the page's batch puts in its zip: <name>.npy for each file (the last step's array);\n"
        "measurements-step<N>-<operation>.csv for each step that measures, the file's name in\n"
        "the first column; failures.csv, the files that could not be read or run and why\n"
        "(skipped, the others go on; the exit status is then 1); pipeline.json, the steps; and\n"
        "this script. Chunks overlap by what each step's footprint needs, so the arrays equal\n"
        "ndlab's on the whole image; objects are numbered in another order.\n"
    )
    return text + "".join(f"\n{note}\n" for note in notes)


@functools.cache
def _helper_sources():
    """The source of each function and constant of :mod:`ndlab.dask_chunks`, by name."""
    text = Path(__file__).with_name("dask_chunks.py").read_text()
    sources = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef):
            sources[node.name] = ast.get_source_segment(text, node) + "\n"
        elif isinstance(node, ast.Assign):
            (target,) = node.targets
            sources[target.id] = ast.get_source_segment(text, node) + "\n"
    return sources


@functools.cache
def _helper_imports():
    """The import lines of :mod:`ndlab.dask_chunks` by name bound, and its ndlab functions."""
    tree = ast.parse(Path(__file__).with_name("dask_chunks.py").read_text())
    lines, functions = {}, {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            module = importlib.import_module(f"ndlab.{node.module}")
            functions.update({alias.name: getattr(module, alias.name) for alias in node.names})
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                lines[alias.asname or alias.name] = ast.unparse(
                    ast.ImportFrom(node.module, [alias], 0)
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                lines[alias.asname or alias.name.partition(".")[0]] = ast.unparse(
                    ast.Import([alias])
                )
    return lines, functions


def _helpers_needed(pipeline, helpers):
    """The helpers `pipeline` calls, with those they call in turn, in the order of the file."""
    names = {node.id for node in ast.walk(ast.parse(pipeline)) if isinstance(node, ast.Name)}
    names |= {"main"}
    needed, queue = set(), list(names)
    while queue:
        name = queue.pop()
        if name in helpers and name not in needed:
            needed.add(name)
            tree = ast.parse(helpers[name])
            queue += [node.id for node in ast.walk(tree) if isinstance(node, ast.Name)]
        elif name in _helper_imports()[1]:
            needed.add(name)
    order = [*_helper_imports()[1], *helpers]
    return [name for name in order if name in needed]


def _import_block(lines):
    """The import lines merged by module: the standard library's, then the others, as isort does.

    The others are imported in a ``try`` whose ``except`` says what to install when one is missing.
    """
    modules, names = set(), {}
    for line in lines:
        node = ast.parse(line).body[0]
        if isinstance(node, ast.Import):
            modules.add(line)
        else:
            names.setdefault(node.module, []).extend(ast.unparse(alias) for alias in node.names)
    merged = [
        *modules,
        *(
            f"from {module} import {', '.join(sorted(set(found)))}"
            for module, found in names.items()
        ),
    ]

    def order(line):
        module = line.split()[1]
        return (line.startswith("from"), module.lower())

    def third_party(line):
        return line.split()[1].partition(".")[0] not in sys.stdlib_module_names

    standard, others = (
        sorted((line for line in merged if third_party(line) == other), key=order)
        for other in (False, True)
    )
    guarded = [
        "try:",
        *(f"    {line}" for line in others),
        "except ModuleNotFoundError as missing:",
        "    raise SystemExit(",
        '        f"This script needs {missing.name}, which is not installed here. "',
        f'        "Install what it needs with:\\n    {INSTALL}"',
        "    ) from None",
    ]
    return "\n".join(standard) + "\n\n" + "\n".join(guarded)
