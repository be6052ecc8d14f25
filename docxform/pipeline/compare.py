"""Across rounds and partnerships: how each standard's agreed rating moved.

The guidance repeats the self-assessment once improvement plans have been
worked on, and the stocktake (seed 002) was a baseline for the full
assessment: a partnership wants to see, standard by standard, where it has
moved, and the Government Office wants several partnerships side by side.

Each argument is a merged dataset (``docxform merge`` / ``collate``) or a
folder holding one. Items are matched to the LAST argument's framework:
directly when the frameworks are the same, else through a crosswalk file
(``docxform/crosswalks/*.yaml``, docs/compare.md). An earlier dataset's item
with no counterpart is listed in ``unmatched`` as ``framework:item``, never
dropped silently.

Per standard:

- ``agreed``: each dataset's agreed level (:attr:`docxform.records.merged.MergedItem.agreed_level`).
- ``movement``: the last dataset's agreed level against the one before it:
  up, same, down, or None when either has none. Levels are compared by
  their place on each framework's own scale.
- ``distribution``: the same pair of datasets' whole distributions,
  compared by Cliff's delta (the probability that a later rating is higher
  than an earlier one minus the probability that it is lower; Cliff 1993,
  Psychological Bulletin 114(3)). |delta| < 0.147 is "same", the threshold
  below which Romano et al. (2006) call the difference negligible.
- the earlier dataset's improvement goals beside the later ratings.

When every dataset is of the same framework and each is one partnership's,
all different, the datasets are a region side by side rather than rounds:
columns are labelled by partnership and there is no movement (the order of
partnerships is not a time order). A partnership renamed between rounds
looks the same, so the arrangement can be given (``rounds`` or ``region``)
and the command says which one it used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from docxform.core.errors import DocxformError
from docxform.framework.choice import framework_for
from docxform.framework.model import Framework
from docxform.parse.inputs import read_json
from docxform.records.comparison import Comparison, Dataset, ItemTrend
from docxform.records.merged import MergedDataset, MergedItem, check_against

__all__ = ["Comparison", "Dataset", "ItemTrend", "compare", "compare_datasets", "load_dataset"]

#: |Cliff's delta| below this is "same" (Romano et al. 2006: negligible).
NEGLIGIBLE_DELTA = 0.147
#: What a folder argument may hold: the first that finds a merged dataset wins.
#: The survey round adds its own here (``docxform.round.current_merged``).
FOLDER_FINDERS: list[Callable[[Path], Path | None]] = []


def _merged_json(folder: Path) -> Path | None:
    candidate = folder / "merged.json"
    return candidate if candidate.is_file() else None


FOLDER_FINDERS.append(_merged_json)


def _round_folder(folder: Path) -> Path | None:
    """A survey round's folder: the merged dataset of its current returns, written afresh beside its store."""
    if not (folder / "round.sqlite").is_file():
        return None
    from docxform.round.report import write_current_merged

    return write_current_merged(folder)


FOLDER_FINDERS.insert(0, _round_folder)  # before merged.json: a round's current returns, not an old report


def load_dataset(path: Path) -> Dataset:
    """A merged dataset from a file, or from a folder holding one; a one-line error otherwise."""
    target = path
    if path.is_dir():
        found = next((f for f in (finder(path) for finder in FOLDER_FINDERS) if f is not None), None)
        if found is None:
            raise DocxformError(path, "no merged dataset in this folder (make one with docxform merge or collate)")
        target = found
    data = read_json(target)
    if data.get("kind") != "merged":
        raise DocxformError(target, "not a merged dataset (make one with docxform merge or collate)")
    framework = framework_for([data["framework"]["id"]], target)
    if framework.version != data["framework"].get("version"):
        raise DocxformError(target, f"merged for {framework.id} version {data['framework'].get('version')}, but "
                                    f"the built-in definition is version {framework.version}")
    dataset = MergedDataset.from_dict(data, target)
    check_against(dataset, framework, target)
    return Dataset(source=path, merged=dataset, framework=framework)


@cache
def _crosswalks() -> dict[tuple[str, str], dict[str, str | None]]:
    """Every shipped crosswalk, both ways round (a one-to-one map reverses; one that is not is refused)."""
    walks: dict[tuple[str, str], dict[str, str | None]] = {}
    folder = resources.files("docxform.crosswalks")
    for entry in folder.iterdir():
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text("utf-8"))
        pairs = [(str(e["from"]), None if e.get("to") is None else str(e["to"])) for e in data["items"]]
        targets = [to for _, to in pairs if to is not None]
        if len(targets) != len(set(targets)):  # two items on one would hide one of them in every trend
            raise DocxformError(entry.name, "a crosswalk must map at most one item to each item (it reverses)")
        walks[(data["from"], data["to"])] = dict(pairs)
        walks[(data["to"], data["from"])] = {to: frm for frm, to in pairs if to is not None}
    return walks


def item_map(source: Framework, target: Framework) -> dict[str, str | None]:
    """Each item of ``source`` -> its counterpart in ``target`` (None: none)."""
    if source.id == target.id:
        return {i: i for i in source.item_ids}
    walk = _crosswalks().get((source.id, target.id), {})
    known = set(target.item_ids)
    return {i: walk.get(i) if walk.get(i) in known else None for i in source.item_ids}


def level_index(framework: Framework, level: str | None) -> int | None:
    scale = framework.rating_scale
    return scale.keys.index(level) if scale and level in scale.keys else None


def movement(before: int | None, after: int | None) -> str | None:
    if before is None or after is None:
        return None
    return "up" if after > before else "down" if after < before else "same"


def cliffs_delta(before: Sequence[int], after: Sequence[int]) -> float | None:
    """P(after > before) - P(after < before) over all pairs of ratings; None without ratings on both sides."""
    if not before or not after:
        return None
    higher = sum(1 for a in after for b in before if a > b)
    lower = sum(1 for a in after for b in before if a < b)
    return (higher - lower) / (len(before) * len(after))


def delta_movement(delta: float | None) -> str | None:
    if delta is None:
        return None
    return "up" if delta >= NEGLIGIBLE_DELTA else "down" if delta <= -NEGLIGIBLE_DELTA else "same"


def _indices(dataset: Dataset, counts: dict[str, int] | None) -> list[int]:
    scale = dataset.framework.rating_scale
    if scale is None or not counts:
        return []
    return [i for i, key in enumerate(scale.keys) for _ in range(counts.get(key, 0))]


def _goals(dataset: Dataset, entry: MergedItem) -> list[str]:
    """The improvement goals respondents proposed for a standard, "respondent: goal", each once."""
    key = dataset.framework.rules.goal_field or "goals"
    seen: set[str] = set()
    out = []
    for rid, response in entry.responses.items():
        text = response.text(key).strip()
        if text and text not in seen:
            seen.add(text)
            out.append(f"{rid}: {text}")
    return out


#: How the datasets are compared: ``auto`` decides by their partnerships (see the module's docstring).
ARRANGEMENTS = ("auto", "rounds", "region")


def looks_like_a_region(datasets: Sequence[Dataset]) -> bool:
    """Same framework, one partnership each, all different: partnerships side by side, not rounds.

    A partnership renamed between rounds looks the same, which is why the
    command says how it compared them and ``--as rounds`` overrides it.
    """
    partnerships = [d.partnership for d in datasets]
    return (len(datasets) > 1 and len({d.framework.id for d in datasets}) == 1
            and None not in partnerships and len(set(partnerships)) == len(datasets))


def _labels(datasets: list[Dataset], given: Sequence[str] | None, arrangement: str) -> tuple[list[str], bool]:
    """Column labels, and whether the datasets are compared as a region (``arrangement``, or decided when auto)."""
    if arrangement not in ARRANGEMENTS:
        raise DocxformError(None, f"compare as {arrangement!r}: not one of {', '.join(ARRANGEMENTS)}")
    partnerships = [d.partnership for d in datasets]
    region = looks_like_a_region(datasets) if arrangement == "auto" else arrangement == "region"
    if given:
        if len(given) != len(datasets):
            raise DocxformError(None, f"{len(given)} labels for {len(datasets)} datasets; give one per dataset")
        return list(given), region
    if region and None not in partnerships and len(set(partnerships)) == len(datasets):
        return [p or "" for p in partnerships], True
    labels: list[str] = []
    for d in datasets:
        base = d.source.name if d.source.is_dir() or d.source.stem != "merged" else d.source.resolve().parent.name
        label, n = base or "dataset", 1
        while label in labels:
            n += 1
            label = f"{base} ({n})"
        labels.append(label)
    return labels, region


def compare_datasets(datasets: list[Dataset], labels: Sequence[str] | None = None, *,
                     arrangement: str = "auto") -> Comparison:
    """Match every dataset's items to the last one's framework and work out the movements.

    ``arrangement``: ``rounds`` (movement from each to the next), ``region``
    (partnerships side by side, no movement) or ``auto`` (a region when
    :func:`looks_like_a_region`).
    """
    if len(datasets) < 2:
        raise DocxformError(None, "compare needs two or more merged datasets")
    names, region = _labels(datasets, labels, arrangement)
    for dataset, name in zip(datasets, names, strict=True):
        dataset.label = name
    target = datasets[-1].framework
    maps: list[dict[str, str]] = []
    unmatched: list[str] = []
    for dataset in datasets:
        forward = item_map(dataset.framework, target)
        unmatched += [f"{dataset.framework.id}:{i}" for i, to in forward.items()
                      if to is None and f"{dataset.framework.id}:{i}" not in unmatched]
        maps.append({to: own for own, to in forward.items() if to is not None})
    items = [_trend(item.id, item.text, datasets, maps, region) for item in target.items]
    return Comparison(labels=names, datasets=datasets, framework=target, items=items, unmatched=unmatched,
                      region=region)


def _trend(item_id: str, text: str, datasets: list[Dataset], maps: list[dict[str, str]], region: bool) -> ItemTrend:
    entries: list[MergedItem | None] = []
    for dataset, mapping in zip(datasets, maps, strict=True):
        own = mapping.get(item_id)
        entries.append(dataset.merged.items.get(own) if own else None)
    agreed = [e.agreed_level if e else None for e in entries]
    counts = [dict(e.counts) if e else None for e in entries]
    trend = ItemTrend(item_id=item_id, text=text, agreed=agreed, counts=counts, movement=None, distribution=None,
                      delta=None)
    if region:
        return trend
    before, after = datasets[-2:]
    old = entries[-2]
    trend.goals_before = _goals(before, old) if old else []
    if not _same_scale(before.framework, after.framework):
        return trend
    trend.movement = movement(level_index(before.framework, agreed[-2]), level_index(after.framework, agreed[-1]))
    trend.delta = cliffs_delta(_indices(before, counts[-2]), _indices(after, counts[-1]))
    trend.distribution = delta_movement(trend.delta)
    return trend


def _same_scale(a: Framework, b: Framework) -> bool:
    """Levels compare only on scales of the same length (the frameworks here share one four-level scale)."""
    return bool(a.rating_scale and b.rating_scale and len(a.rating_scale.keys) == len(b.rating_scale.keys))


def compare(paths: Sequence[Path], labels: Sequence[str] | None = None, *, arrangement: str = "auto") -> Comparison:
    """Load each path (a merged dataset or a folder holding one) and compare them."""
    return compare_datasets([load_dataset(Path(p)) for p in paths], labels, arrangement=arrangement)
