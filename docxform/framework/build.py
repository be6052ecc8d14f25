"""Turn checked definition data into the :mod:`model` objects.

Runs only after the structure and consistency checks have passed, so it can
index freely. Also supplies docxform's default form layout for frameworks
that have no form of their own (e.g. the Beacon guidelines).
"""

from __future__ import annotations

from typing import Any

from docxform.framework import model as m


def framework_from_data(data: dict[str, Any], path: str | None = None) -> m.Framework:
    scale = _rating_scale(data.get("rating_scale"))
    fields = tuple(
        m.ItemField(key=f["key"], type=f["type"], label=f["label"], placeholder=f.get("placeholder", ""),
                    width=float(f.get("width", 0)))
        for f in data["fields"]
    )
    themes = tuple(
        m.Theme(id=t["id"], title=t["title"], heading=t.get("heading", t["title"]), intro=t.get("intro", ""))
        for t in data["themes"]
    )
    items = tuple(_item(it) for it in data["items"])
    forms = tuple(_form(f) for f in data.get("forms", [])) or (default_layout(fields),)
    return m.Framework(
        id=data["id"], version=str(data["version"]), title=data["title"], fields=fields, themes=themes,
        items=items, forms=forms, source=data.get("source", ""), description=data.get("description", ""),
        notes=data.get("notes", ""), item_name=data.get("item_name", "item"), rating_scale=scale,
        plan=_plan(data.get("plan")), guidance=tuple(
            m.GuidanceSection(g["heading"], tuple(g["paragraphs"])) for g in data.get("guidance", [])),
        rules=_rules(data.get("rules", {})), path=path,
    )


def default_layout(fields: tuple[m.ItemField, ...]) -> m.FormLayout:
    """docxform's own layout: who and where, one table per theme, then who signs."""
    return m.FormLayout(
        id="default",
        title="Self-assessment form",
        orientation="landscape",
        blocks=(
            m.FieldsBlock(fields=(
                m.FormField("partnership", "Name of partnership", prefill="partnership", required=True),
                m.FormField("assessment_date", "Date of assessment", type="date", required=True),
                m.FormField("respondent", "Completed by", prefill="respondent.name"),
                m.FormField("organisation", "Organisation", prefill="respondent.organisation"),
                m.FormField("role", "Role", prefill="respondent.role"),
            )),
            m.ItemsBlock(columns=tuple(f.key for f in fields), item_header="", show_prompts=False),
            m.SignatoriesBlock(
                heading="Signature",
                declaration="I have read this self-assessment and agree that it is an accurate and fair assessment.",
                fields=(m.FormField("signature", "Signature", type="signature"),
                        m.FormField("signed_date", "Date", type="date")),
            ),
        ),
    )


def _rating_scale(data: dict[str, Any] | None) -> m.RatingScale | None:
    if not data:
        return None
    levels = tuple(
        m.Level(key=lv["key"], label=lv["label"], name=lv.get("name", lv["label"].capitalize()),
                definition=lv.get("definition", ""))
        for lv in data["levels"]
    )
    return m.RatingScale(label=data.get("label", "Rating"), levels=levels)


def _item(data: dict[str, Any]) -> m.Item:
    prompts = tuple(
        m.Prompt(text=p) if isinstance(p, str) else m.Prompt(text=p["text"], id=p.get("id"))
        for p in data.get("prompts", [])
    )
    return m.Item(
        id=data["id"], theme_id=data["theme"], text=data["text"].strip(),
        guidance_text=data.get("guidance_text", "").strip(), title=data.get("title", ""),
        prompts=prompts, tags=tuple(sorted(data.get("tags", {}).items())),
    )


def _form_field(data: dict[str, Any]) -> m.FormField:
    return m.FormField(key=data["key"], label=data["label"], type=data.get("type", "text"),
                       prefill=data.get("prefill"), required=bool(data.get("required", False)))


def _block(data: dict[str, Any]) -> m.Block:
    kind = data["type"]
    if kind == "fields":
        return m.FieldsBlock(fields=tuple(map(_form_field, data["fields"])), heading=data.get("heading", ""))
    if kind == "items":
        return m.ItemsBlock(
            columns=tuple(data.get("columns", ())), item_header=data.get("item_header", ""),
            id_column=bool(data.get("id_column", True)), show_prompts=bool(data.get("show_prompts", False)),
            theme_rows=bool(data.get("theme_rows", False)), one_table=bool(data.get("one_table", False)),
        )
    if kind == "table":
        return m.TableBlock(
            key=data["key"], columns=tuple(data["columns"]),
            rows=tuple(m.TableRow(r["key"], r["label"]) for r in data["rows"]),
            heading=data.get("heading", ""), intro=data.get("intro", ""),
        )
    if kind == "people":
        columns = tuple(m.PeopleColumn(c["key"], c["label"]) for c in data.get("columns", ())) or (
            m.PeopleColumn("name", "Name"), m.PeopleColumn("organisation", "Organisation"))
        return m.PeopleBlock(columns=columns, rows=int(data.get("rows", 12)), heading=data.get("heading", ""),
                             note=data.get("note", ""))
    if kind == "signatories":
        return m.SignatoriesBlock(fields=tuple(map(_form_field, data["fields"])), heading=data.get("heading", ""),
                                  declaration=data.get("declaration", ""), note=data.get("note", ""))
    return m.TextBlock(text=data["text"], heading=data.get("heading", ""))


def _form(data: dict[str, Any]) -> m.FormLayout:
    return m.FormLayout(
        id=data["id"], blocks=tuple(map(_block, data["blocks"])), title=data.get("title", ""),
        subtitle=data.get("subtitle", ""), description=data.get("description", ""),
        orientation=data.get("orientation", "landscape"),
    )


def _plan(data: dict[str, Any] | None) -> m.PlanSpec | None:
    if not data:
        return None
    columns = tuple(
        m.PlanColumn(key=c["key"], label=c["label"], note=c.get("note", ""), type=c.get("type", "text"),
                     width=float(c.get("width", 0)))
        for c in data["columns"]
    )
    kwargs: dict[str, Any] = {}
    if data.get("statuses"):
        kwargs["statuses"] = tuple(data["statuses"])
    return m.PlanSpec(columns=columns, title=data.get("title", "Improvement plan"),
                      header_fields=tuple(map(_form_field, data.get("header_fields", ()))),
                      guidance=tuple(data.get("guidance", ())), **kwargs)


def _rules(data: dict[str, Any]) -> m.Rules:
    goals = data.get("priority_goals", {})
    return m.Rules(
        rating_required=bool(data.get("rating_required", True)),
        evidence_field=data.get("evidence_field"),
        evidence_required_for=tuple(data.get("evidence_required_for", ())),
        goal_field=data.get("goal_field"), goal_required_for=tuple(data.get("goal_required_for", ())),
        vague_evidence_terms=tuple(data.get("vague_evidence_terms", ())),
        required_fields=tuple(data.get("required_fields", ())),
        signatures_required=tuple(data.get("signatures_required", ())),
        priority_goals_min=int(goals.get("min", 4)), priority_goals_max=int(goals.get("max", 6)),
    )
