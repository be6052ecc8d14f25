"""Merge many returns of one framework into one dataset (the survey method).

Chapter 2 of the 2003 guidance: individual members complete the form, the
responses "are then collated and discussed (possibly on an anonymous basis)",
and the partnership then discusses "any disputed ratings". This module does
the collating: per standard, the distribution of ratings, its mode and
median, and whether the ratings are disputed, with every respondent's answers
kept beside them for the discussion.

Input is the parsed returns as typed records (:class:`docxform.records.response.Response`:
a form parsed in this run, or a parse JSON read with ``Response.from_dict`` where it is read);
output is a :class:`docxform.records.merged.MergedDataset`, whose ``to_dict`` is the
JSON documented by ``schemas/merged.schema.json`` (written by the callers that
save merged.json). Names in it are stable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass, replace

from docxform import __version__
from docxform.core.problems import Problem, problem
from docxform.framework.choice import mismatch
from docxform.framework.model import Framework, RatingScale
from docxform.records.merged import (
    Duplicate,
    FrameworkRef,
    MergedDataset,
    MergedItem,
    MergedResponse,
    Respondent,
    RuleRef,
    Source,
)
from docxform.records.prompts import prompt_answers
from docxform.records.response import ItemAnswer, Response, respondent_label, respondent_name, text_value
from docxform.survey.consensus import REASON_APART, REASON_NO_MAJORITY, Rule, judge, lower_median
from docxform.survey.identity import fold, name_key, name_mismatch, personalised_form_id
from docxform.validate.rules import off_scale

__all__ = ["REASON_APART", "REASON_NO_MAJORITY", "item_stats", "merge_returns", "rejudge"]


@dataclass
class _Return:
    """One accepted return and who it is from."""

    data: Response
    name: str | None  # a real name (respondent or completed_by), used to spot duplicates
    label: str  # what to call the respondent: the name, else the file stem
    form_id: str | None
    path: str
    sha256: str
    person_form: str | None = None  # the form id when it names a person (docxform.survey.identity)


def pseudonym(label: str, framework_id: str, *, salt: str = "", digits: int = 6, prefix: str = "Respondent") -> str:
    """A stable pseudonym: the same label and framework always give the same one.

    Stable so that a respondent is recognisable across the sheets and across
    re-runs without being named. It is not secret: anyone who can guess the
    names can recompute it, unless a ``salt`` known only to the coordinator
    is given.
    """
    digest = hashlib.sha256(f"{salt}\0{fold(label)}\0{framework_id}".encode()).hexdigest()
    return f"{prefix} {digest[:digits]}"


def item_stats(ratings: Sequence[str | None], scale: RatingScale | None, rule: Rule | None = None
               ) -> MergedItem:
    """Distribution, mode, median, spread, consensus and dispute for one standard's ratings.

    ``ratings`` holds one entry per respondent, None for "not rated". The
    mode is None when two levels tie for most ratings; the median is the
    lower median on the ordered scale (with an even number of ratings the
    lower of the two middle levels: the cautious reading for improvement
    planning). Whether the ratings are disputed ("disputed ratings" in the
    guidance) is decided by the consensus ``rule`` (default: the iqr rule,
    see :mod:`docxform.survey.consensus`), whose measure is kept as ``consensus``.
    The item has no responses: the caller adds them.
    """
    keys = scale.keys if scale else ()
    counts = dict.fromkeys(keys, 0)
    for rating in ratings:
        if rating is not None:
            counts[rating] += 1
    rated = sum(counts.values())
    positions = sorted(keys.index(r) + 1 for r in ratings if r is not None)
    verdict = judge(positions, list(counts.values()), keys, rule or Rule())
    stats = MergedItem(counts=counts, rated=rated, unrated=len(ratings) - rated, disputed=verdict.reason is not None,
                       dispute_reason=verdict.reason, consensus=verdict.consensus)
    if rated == 0:
        return stats
    top = max(counts.values())
    modes = [k for k, n in counts.items() if n == top]
    stats.mode = modes[0] if len(modes) == 1 else None
    stats.median = keys[lower_median(positions) - 1]
    stats.spread = positions[-1] - positions[0]
    return stats


def rejudge(merged: MergedDataset, framework: Framework, rule: Rule) -> MergedDataset:
    """A merged dataset judged again under another consensus rule (the input is not changed).

    The ratings kept in each item's ``responses`` are all that is needed, so
    a coordinator can try a rule on last week's merged.json without the returns.
    """
    out = deepcopy(merged)
    items = {}
    problems = [p for p in out.problems if p.code != "rating-disputed"]
    keys = framework.rating_scale.keys if framework.rating_scale else ()
    for item in framework.items:
        responses = out.item(item.id).responses
        entry = item_stats([r.rating if r.rating in keys else None for r in responses.values()],
                           framework.rating_scale, rule)
        entry.responses = responses
        items[item.id] = entry
        if entry.disputed:
            problems.append(disputed_problem(item.id, entry, framework.rating_scale, rule))
    out.consensus, out.items, out.problems = rule_ref(rule), items, problems
    return out


def rule_ref(rule: Rule) -> RuleRef:
    """The rule as a merged dataset records it."""
    return RuleRef(rule=rule.name, threshold=rule.limit, description=rule.describe())


def disputed_problem(item_id: str, entry: MergedItem, scale: RatingScale | None, rule: Rule) -> Problem:
    """The rating-disputed problem of one standard, naming the rule that found the dispute."""
    consensus = entry.consensus
    return problem(
        "rating-disputed",
        f"ratings disagree under the {rule.name} rule ({entry.dispute_reason}): "
        f"{_describe_counts(entry.counts, scale)}",
        item=item_id, field="rating", extra={"rule": rule.name, "measure": consensus.measure if consensus else None,
                                             "value": consensus.value if consensus else None})


def merge_returns(returns: Sequence[Response], framework: Framework, *, anonymise: bool = False,
                  salt: str = "", validated: bool = False, consensus: Rule | None = None,
                  names: Sequence[str] | None = None) -> MergedDataset:
    """Merge parsed returns of ``framework`` into one dataset (its JSON: schemas/merged.schema.json).

    ``returns`` are the typed records (forms parsed, or parse JSON read with ``Response.from_dict``
    where the file is read, :func:`docxform.parse.inputs.load_inputs`); the dataset is the typed
    record too, and its ``to_dict()`` is what merged.json holds.

    Returns of another framework or version are left out and reported
    (framework-mismatch). Duplicates (same personalised form id, or same
    respondent name in the same partnership, ignoring case) keep the
    latest, i.e. the one given last, and are reported (duplicate-return).
    Only a personalised form's id names a person: copies of a generic form
    share the blank's id and are told apart by the typed name
    (:mod:`docxform.survey.identity`); callers put the returns in "later" order
    with :func:`docxform.survey.identity.in_later_order`. When every return names a different
    partnership, the returns are a region's partnerships rather than one
    partnership's members, and respondents are labelled by partnership.
    ``anonymise`` replaces respondent identities (name, form id, file path)
    by stable pseudonyms; free text is not changed.
    ``validated``: the returns were validated against ``framework`` and its
    report goes out beside this dataset, so the per-return findings that
    validation owns (framework-mismatch, rating-unclear) are not reported
    again here; the returns and ratings concerned are still left out.
    ``consensus`` is the rule that decides which standards are disputed
    (default: the iqr rule, see :mod:`docxform.survey.consensus`).
    ``names``: one per return, who the survey round decided it is from (its
    current return of each person, on evidence and the coordinator's
    corrections): each is labelled so, and none is taken for another's
    duplicate here, since the round has already decided.
    """
    rule = consensus or Rule()
    accepted, problems = _of_framework(returns, framework, anonymise=anonymise, validated=validated)
    if names is not None:
        decided = {id(data): name for data, name in zip(returns, names, strict=True)}
        kept = [replace(_make_return(d), label=decided[id(d)]) for d in accepted]
        dropped: list[tuple[_Return, _Return, str]] = []
    else:
        kept, dropped = _dedupe([_make_return(d) for d in accepted])
    by_partnership = _is_region(kept)
    if by_partnership:
        _label_by_partnership(kept)
    ids = _respondent_ids(kept, framework, anonymise=anonymise, salt=salt, by_partnership=by_partnership)
    duplicates, found = _duplicates(dropped, kept, ids, anonymise)
    problems.extend(found)
    if names is None:  # the round judged the names typed itself (docxform.survey.identity.judge)
        problems.extend(_identity_problems(kept, ids, anonymise))
    items, found = _merge_items(kept, ids, framework, anonymise, rule, validated)
    problems.extend(found)
    return MergedDataset(
        framework=FrameworkRef(id=framework.id, version=framework.version, title=framework.title),
        respondents=[_respondent(ret, rid, anonymise, by_partnership) for ret, rid in zip(kept, ids, strict=True)],
        items=items, anonymised=anonymise, respondent_label="partnership" if by_partnership else "respondent",
        duplicates=duplicates, problems=problems, consensus=rule_ref(rule),
        docxform_version=__version__,
    )


def _of_framework(returns: Sequence[Response], framework: Framework, *, anonymise: bool,
                  validated: bool) -> tuple[list[Response], list[Problem]]:
    """The returns of this framework and version; the others are left out, and reported unless validation did."""
    problems: list[Problem] = []
    accepted = []
    for data in returns:
        path = data.source_path
        other = mismatch("the return is", (data.framework_id, data.framework_version), framework,
                         outcome="it was left out of the merge", file=None if anonymise else path or None)
        if other is not None:
            problems += [] if validated else [other]
            continue
        accepted.append(data)
    return accepted, problems


def _label_by_partnership(kept: list[_Return]) -> None:
    """In a region's merge each return speaks for its partnership, so that is what it is called."""
    for ret in kept:
        ret.label = text_value(ret.data.fields.get("partnership"))


def _duplicates(dropped: list[tuple[_Return, _Return, str]], kept: list[_Return], ids: list[str],
                anonymise: bool) -> tuple[list[Duplicate], list[Problem]]:
    """The dataset's record of each return replaced by a later one, and its duplicate-return problem.

    The record names the respondent by the id of the return that was kept; an
    anonymised merge names neither the files nor the form id.
    """
    index = {id(ret): rid for ret, rid in zip(kept, ids, strict=True)}
    duplicates = []
    problems = []
    for old, new, reason in dropped:
        rid = index[id(new)]
        duplicates.append(Duplicate(respondent=rid, reason=reason, kept=_source(new, anonymise),
                                    dropped=_source(old, anonymise)))
        what = f"form id {old.form_id}" if reason == "form_id" and not anonymise else (
            "form id" if reason == "form_id" else "respondent")
        problems.append(problem(
            "duplicate-return",
            f"{rid}: two returns with the same {what}; the later one was kept"
            + ("" if anonymise else f" ({new.path}), this one was ignored"),
            file=None if anonymise else old.path or None))
    return duplicates, problems


def _merge_items(kept: list[_Return], ids: list[str], framework: Framework, anonymise: bool, rule: Rule,
                 validated: bool) -> tuple[dict[str, MergedItem], list[Problem]]:
    """Every standard merged in the framework's order; rating-unclear left to validation when it ran."""
    items = {}
    problems: list[Problem] = []
    for item in framework.items:
        entry, item_problems = _merge_item(item.id, kept, ids, framework, anonymise, rule)
        items[item.id] = entry
        problems.extend(p for p in item_problems if not (validated and p.code == "rating-unclear"))
    return items, problems


def _identity_problems(kept: list[_Return], ids: list[str], anonymise: bool) -> list[Problem]:
    """A different name typed on a personalised form is reported, never silently accepted (docxform.survey.identity)."""
    out = []
    for ret, rid in zip(kept, ids, strict=True):
        message = name_mismatch(ret.data)
        if message:
            out.append(problem("respondent-mismatch", f"{rid}: " + (
                "the name typed differs from the person the form was issued to" if anonymise else message),
                field="completed_by", file=None if anonymise else ret.path or None))
    return out


def _make_return(data: Response) -> _Return:
    form_id = data.form_id
    return _Return(data=data, name=respondent_name(data), label=respondent_label(data),
                   form_id=form_id if isinstance(form_id, str) and form_id else None,
                   path=data.source_path, sha256=data.source_sha256, person_form=personalised_form_id(data))


def _dedupe(returns: list[_Return]) -> tuple[list[_Return], list[tuple[_Return, _Return, str]]]:
    """Keep the latest of each set of duplicates, in the place of the first.

    A later return replaces every earlier one it shares a form id or a name
    with; the replaced returns' ids and names are forgotten, so a chain of
    re-submissions keeps only the last. Returns (kept, [(dropped, winner, reason)]).
    """
    slots: list[_Return | None] = []
    by_form: dict[str, int] = {}
    by_name: dict[str, int] = {}
    moved: dict[int, int] = {}
    records: list[tuple[_Return, int, str]] = []
    for ret in returns:
        matches: dict[int, str] = {}
        if ret.name and _who(ret) in by_name:
            matches[by_name[_who(ret)]] = "respondent"
        if ret.person_form and ret.person_form in by_form:
            matches[by_form[ret.person_form]] = "form_id"
        if not matches:
            slot = len(slots)
            slots.append(ret)
        else:
            slot = min(matches)
            for old_slot, reason in sorted(matches.items()):
                old = slots[old_slot]
                assert old is not None
                records.append((old, slot, reason))
                _forget(old, by_form, by_name)
                slots[old_slot] = None
                if old_slot != slot:
                    moved[old_slot] = slot
            slots[slot] = ret
        if ret.person_form:
            by_form[ret.person_form] = slot
        if ret.name:
            by_name[_who(ret)] = slot
    dropped = []
    for old, slot, reason in records:
        while slot in moved:
            slot = moved[slot]
        winner = slots[slot]
        assert winner is not None
        dropped.append((old, winner, reason))
    return [s for s in slots if s is not None], dropped


def _who(ret: _Return) -> str:
    """The key that makes two returns the same respondent's: name, partnership (and typed organisation).

    The partnership is part of it so that in a region two partnerships'
    officers who share a name (or write a role, "Community Safety Manager",
    for a name) are not taken for one person.
    """
    return name_key(ret.data, ret.name or "")


def _forget(ret: _Return, by_form: dict[str, int], by_name: dict[str, int]) -> None:
    if ret.person_form:
        by_form.pop(ret.person_form, None)
    if ret.name:
        by_name.pop(_who(ret), None)


def _is_region(kept: list[_Return]) -> bool:
    """True when there are two or more returns and each names a different partnership."""
    if len(kept) < 2:
        return False
    names = [fold(text_value(r.data.fields.get("partnership"))) for r in kept]
    return all(names) and len(set(names)) == len(names)


def _respondent_ids(kept: list[_Return], framework: Framework, *, anonymise: bool, salt: str,
                    by_partnership: bool) -> list[str]:
    """Unique ids: the labels (numbered when two are alike), or pseudonyms when anonymised.

    A pseudonym that two labels share (six hex digits: rare but possible)
    is lengthened for both until it differs, so ids stay stable and unique.
    """
    if not anonymise:
        ids: list[str] = []
        seen: dict[str, int] = {}
        for ret in kept:
            key = fold(ret.label)
            seen[key] = seen.get(key, 0) + 1
            ids.append(ret.label if seen[key] == 1 else f"{ret.label} ({seen[key]})")
        return ids
    prefix = "Partnership" if by_partnership else "Respondent"
    labels = [fold(ret.label) for ret in kept]
    digits = [6] * len(labels)
    while True:
        ids = [pseudonym(label, framework.id, salt=salt, digits=d, prefix=prefix)
               for label, d in zip(labels, digits, strict=True)]
        owners: dict[str, set[str]] = {}
        for rid, label in zip(ids, labels, strict=True):
            owners.setdefault(rid, set()).add(label)
        clashes = [i for i, rid in enumerate(ids) if len(owners[rid]) > 1]
        if not clashes or max(digits) >= 64:
            break
        for i in clashes:
            digits[i] += 2
    return _number_repeats(ids)


def _number_repeats(ids: list[str]) -> list[str]:
    """Number ids that are still alike (two unnamed returns with the same file stem)."""
    out = []
    seen: dict[str, int] = {}
    for rid in ids:
        seen[rid] = seen.get(rid, 0) + 1
        out.append(rid if seen[rid] == 1 else f"{rid} ({seen[rid]})")
    return out


def _source(ret: _Return, anonymise: bool) -> Source:
    """Where a return came from; the path is withheld when anonymised (file names name people)."""
    return Source(sha256=ret.sha256, path=None if anonymise else ret.path)


def _respondent(ret: _Return, rid: str, anonymise: bool, by_partnership: bool) -> Respondent:
    """Who a kept return is from; name and form id withheld when anonymised, a region's partnership too."""
    partnership = text_value(ret.data.fields.get("partnership")) or None
    return Respondent(id=rid, source=_source(ret, anonymise), name=None if anonymise else ret.label,
                      form_id=None if anonymise else ret.form_id,
                      partnership=None if anonymise and by_partnership else partnership,
                      # an agency, not a person: kept when anonymised
                      organisation=text_value(ret.data.organisation) or None)


def _merge_item(item_id: str, kept: list[_Return], ids: list[str], framework: Framework,
                anonymise: bool, rule: Rule) -> tuple[MergedItem, list[Problem]]:
    """One standard: every respondent's answers, and the statistics of their ratings."""
    scale = framework.rating_scale
    text_keys = [f.key for f in framework.text_fields]
    problems: list[Problem] = []
    ratings: list[str | None] = []
    responses: dict[str, MergedResponse] = {}
    for ret, rid in zip(kept, ids, strict=True):
        answer = ret.data.items.get(item_id) or ItemAnswer()
        rating = answer.rating if scale else None
        unclear = off_scale(rating, framework, item=item_id, file=None if anonymise else ret.path or None, who=rid,
                            outcome="counted as not rated")
        if unclear is not None:
            problems.append(unclear)
            rating = None
        ratings.append(rating)
        # prompts: answers given per prompt (forms read by text anchors)
        texts = {key: text_value(answer.texts.get(key)) for key in text_keys}
        responses[rid] = MergedResponse(rating=rating, texts=texts, prompts=prompt_answers(answer.prompts, text_keys),
                                        source=None if anonymise else ret.path)
    entry = item_stats(ratings, scale, rule)
    entry.responses = responses
    if entry.disputed:
        problems.append(disputed_problem(item_id, entry, scale, rule))
    return entry, problems


def _describe_counts(counts: dict[str, int], scale: RatingScale | None) -> str:
    if scale is None:
        return ""
    return ", ".join(f"{n} {scale.level(k).name.lower()}" for k, n in counts.items() if n)
