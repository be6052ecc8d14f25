"""Rebuild seed 003 (a partnership's Issue / Action / Developments action plan) as a .docx.

Seed 003 is a real completed return that reached us only as a plain-text
conversion (/work/shared/seeds/003_*.txt). This script types it back into a
Word table with python-docx, the wording as found (spelling, dashes, the tick
and bullet characters, answers run together in one paragraph such as
"Yes Yes"), so the text-anchor reader has a real return to be tested on:

    python samples/make_seed003.py      # writes samples/seed003/hallmarks-action-plan.docx

What had to be decided, because the conversion lost it:

- Tables: one per block of the seed (blocks are separated by blank lines);
  only the first has the header row Issue / Action / Developments, as in the
  seed. Every table has those three columns: where the conversion shows a
  fourth cell (a section name such as "Assess" in a cell of its own, or an
  empty trailing cell), the section name is the first (bold) paragraph of
  the Issue cell and the empty cell is left out.
- Paragraphs: each ``<p>`` and each ``<li>`` of the seed is one paragraph;
  headings printed in bold in the seed are bold here. Two checklist questions
  the seed shows in one ``<p>`` separated by a run of spaces (the Assess
  block) are two lines of one paragraph (a line break), which is what that
  spacing is in Word.
- The rows of the Assess block whose checklist questions stand in the
  second (Action) column keep them there.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
TARGET = HERE / "seed003" / "hallmarks-action-plan.docx"

B = "#"  # a paragraph starting with this is a bold heading (the marker is not written)
T = "✓ "  # the tick printed before every checklist question
D = "• "  # the bullet of a statutory requirement's list

Row = tuple[list[str], list[str], list[str]]

LEAD_AND_GUIDE: list[Row] = [
    ([B + "Lead and Guide"], [], []),
    (["Strategy groups responsible for preparing and implementing a strategic assessment and partnership plan."],
     ["Identify strategic group. Produce Strategic Assessment"], ["CDRPIs Strategic Group Completed Nov 07"]),
    (["Each of the five responsible authorities must be represented on the group"],
     ["Produce partnership plan"], ["In process of completion"]),
    (["At least one of the representatives from each of the five responsible authorities must hold a senior "
      "position within their home organisation."], ["Ensure appropriate representation"], ["PCTIs Missing"]),
    (["Where there is an elected member responsible for community safety on the council for the District, they "
      "must also be a member of this group"], ["Ensure appropriate representation"], ["PCTIs Missing"]),
    (["The group can decide the frequency of the meetings and can invite other stakeholders to their meetings"],
     ["Ensure representation"], ["Cllr SHawke"]),
    (["There must be arrangements for appointing a chair, agreed in the period for which the chair can serve and "
      "the grounds on which the chair can be changed within this period"], ["Meetings calendarised"], ["They Are"]),
    (["At least once a year the group needs to consider whether the partnership has the requisite skills and "
      "knowledge to meet the statutory requirements."],
     ["Policy on appointing, length of office and reasons for changing to be generated"],
     ["Need to identify Terms of Reference (TOR), include arrangements if not already there"]),
    (["County group must include the chairs of each of the District strategy groups."],
     ["Policy and procedure to be in place regarding skills and knowledge of the strategy group."],
     ["Check to be carried out when refreshment process plan and during Strategic Assessment process"]),
    ([], ["Chair to be on the County group and available to attend sessions."],
     ["Carol Rooke and Sandra Hawke attend"]),
]

GOVERNING: list[Row] = [
    ([B + "Governing Partnership Processes",
      "The strategy group will prepare information-sharing protocols and will govern the sharing of information "
      "between the responsible authorities"],
     ["Protocol to be developed by all relevant authorities"], ["Awaits County ISA"]),
    (["Each responsible authority must nominate a designated liaison officer whose role will be to facilitate the "
      "sharing of information with other partners"],
     ["Protocol to be developed by all relevant authorities",
      "Designated liaison officer to be nominated from each authority"], ["Awaits County ISA"]),
    ([B + "Intelligence-led Business Processes", T + "Do you have an information sharing protocol?",
      T + "Have the responsible authorities signed it and do they comply with it?",
      T + "Are there other parties who could sign up to, and comply with, the protocol?",
      T + "Do you share personal data when necessary and appropriate to do so?"],
     [], ["Not yet (old one in existence badly in need of refresh)", "Not yet", "Probably – awaits County", "Yes"]),
    ([B + "Empowered and Effective Leadership", T + "Does each responsible authority have a designated liaison officer?",
      T + "Do these personnel understand the legislation relating to information sharing and are they equipped to "
      "solve any information sharing related problems facing your partnership?",
      T + "Do you need any additional protocols to govern processes where there has been confusion or disagreement "
      "in the past?"],
     [], ["TOR", "Will do", "No current problems"]),
    ([B + "Appropriate Skills and Knowledge",
      T + "Does the person facilitating the sharing of information understand the objectives of the partnership and "
      "what can be shared and by whom?",
      T + "Do all the partners understand the importance of sharing information?"],
     [], ["Yes", "No – TOR-PCT"]),
]

VISIBILITY: list[Row] = [
    ([B + "Visibility and Accountability",
      "The strategy group must hold one or more public meetings during each year",
      "The public meetings must be attended by individuals who hold a senior position within each responsible "
      "authority",
      "The strategy group shall take steps to consider appropriate ways of bringing the attention of persons who live "
      "or work in the area, or who might otherwise be interested, to information about what was discussed at such "
      "meetings and where the meetings are to be held",
      "The partnership will consult its communities about crime and disorder issues in their area and also about "
      "what priorities the partnerships should tackle",
      "The partnership shall consult its communities about crime and disorder issues in their area and also about "
      "what priorities the partnerships should tackle",
      "In doing so, the partnership will take into account any existing consultation undertaken by partnership "
      "members",
      "The partnership will also have to consider the ways in which its communities can help in supporting the "
      "delivery of the priorities of the partnership",
      "The strategic assessment will contain the priorities that the community have identified that the "
      "partnerships should tackle",
      "The partnership have to publish a summary of the partnership plan in a way that reaches all of the "
      "community, as far as is reasonable"],
     ["Meeting nature, location and date to be determined", "Persons to be identified and ensure attendance",
      "Communication strategy and action required before and after the event",
      "Engagement and consultation strategy and action required", "As above",
      "Strategy to include current consultation", "Engagement to include actions in respect of the priorities",
      "Strategic Assessment to include community priorities",
      "Summary of partnership plan to be published as widely as possible"],
     ["Need to introduce one as part of the refresh process of the Partnership Plan.", "TOR",
      "In place (Internet, publications, via SNS if applicable)", "In place", "In place", "Will do",
      "Via Problem-solving", "It does – ASB being the biggest issue", "In community plan", "Yes",
      "Within certain bounds", "They will be", "Neighbourhood Teams", "Need to find out", "Improving – CDW and SNT",
      "Improving – specialist BME worker appointed"]),
    ([B + "Visible and Constructive Accountability",
      "Have you ensured that the information collected from community engagement is included in the partnership "
      "plan?",
      "Do you have appropriate structures and documents in place to ensure that all community members, including "
      "hard to reach and hard to hear communities, can be involved in any community meetings being scheduled?",
      "Are the community aware of the community focused meetings being scheduled?",
      "Are you taking steps to ensure that the community will receive regular feedback and update on the progress "
      "of the community?",
      "Are all your partners aware of the existing processes and approaches adopted within agencies to engage and "
      "feedback to communities?",
      B + "Appropriate Skills and Knowledge",
      "Do you know the make-up of the communities you represent, including the groups and organisations within it?",
      "Do you have adequate processes in place for listening to all sections of the community, including minority "
      "and hard-to-reach groups?"],
     [], []),
]

ASSESS: list[Row] = [
    ([B + "Assess", "Certain sets of de-personalised information must be shared on a quarterly basis."],
     ["Identify what needs to be shared, who holds it, by what means this will be shared"], ["Monthly"]),
    (["Certain information needs to be considered when preparing a strategic assessment"],
     ["Identify what needs to be considered, who holds it, by what means this will be shared"], ["TOR"]),
    (["In undertaking any community consultation, the partnership must have regard to the result of any other "
      "consultation activities undertaken by the responsible authorities"],
     ["Need to identify what consultation has taken place, by who, what the results were and consider this "
      "information in the strategic assessment"],
     ["Noted – additional question, ‘Have your opinions been surveyed in the last 12 months, if yes by who and what "
      "about?’"]),
    (["The partnership needs to seek various views when preparing the strategic assessment"],
     ["Identify whose views need to be sought, how to seek them, by who and collate the answer for the strategic "
      "assessment"], ["Noted"]),
    (["The views sought need to be from particular persons"],
     ["Identify those persons and ensure that their views are included"], ["IAG to be involved"]),
    ([B + "Intelligence-led Business Processes"],
     [T + "Do you share all the datasets in Appendix J on a quarterly basis in electronic form?\n"
      + T + "Do you have all the additional information from other partners that you need to build a profile of your "
      "community and the community safety needs?"], ["Yes No-PCT"]),
    ([B + "Community Engagement"],
     [T + "Does all the information gathered through community consultation feed into your priority-setting "
      "activities?\n"
      + T + "Are you targeting your community consultation activities to diverse groups within the community and "
      "those most likely to be affected by your priorities?"], ["Yes Yes"]),
    ([B + "Appropriate Skills and Knowledge"],
     [T + "Do you understand the new requirements and what they mean for the partnership?"],
     ["Yes (Strategic Assessment requirements)"]),
]

PRIORITIES: list[Row] = [
    ([B + "Determine Priorities",
      "Each year, the partnership shall prepare a strategic assessment to assist in producing or revising the "
      "partnership plan",
      "The strategic assessment must include:",
      D + "Analysis of the level and patterns of crime, disorder and substance misuse;",
      D + "Changes in the levels and patterns of crime, disorder and substance misuse since the last strategic "
      "assessment;",
      D + "Analysis of why these changes have occurred; and",
      D + "Assessment of the extent to which last year's plan was implemented",
      "In preparing the strategic assessment, the partnership will reflect views from the community on matters that "
      "need to be prioritised"],
     ["Strategic assessment process to be generated", "Checklist to be followed when generating a strategic "
      "assessment"], ["Noted", "Noted", "Noted"]),
    ([B + "Intelligence-led Business Processes", T + "Have you produced a strategic assessment for this year?",
      T + "Have you embedded problem-solving and evaluation processes within your business planning?",
      T + "Are you clear of the priorities for your area, based on what the community thinks and what your "
      "information says?",
      T + "Have you made sufficient links with other strategic assessments in your area?",
      T + "Have you ensured that that you have worked together as a partnership to identify those most vulnerable "
      "and at risk?"],
     ["Community concerns to be included in assessment"],
     ["Yes", "Yes (SARA-PRIME)", "Yes (Partnership Plan)", "Yes (See intro in Partnership Plan)", "Yes"]),
    ([B + "Appropriate Skills and Knowledge",
      T + "Do you know what you are required to do to produce a strategic assessment and what it means for your "
      "organisation?",
      T + "Is there the analytical capacity/capability across the partnership to support the strategic assessment?"],
     [], ["Yes", "Yes"]),
]

TWO_TIER: list[Row] = [
    ([B + "Partnership- Working and two-tier areas",
      "The strategic assessment must outline the priorities to be escalated to the County level"],
     ["Need to identify from local strategic assessment what needs a County-wide response"], ["It did"]),
    (["The County strategy group will prepare a community safety agreement based on the individual strategic "
      "assessments of partnerships within the County",
      "The community safety agreement will identify:",
      D + "Way so co-ordinating across the County to address priorities; and",
      D + "How the responsible authorities might otherwise contribute to reducing crime, disorder and substance "
      "misuse through closer joint working across the County"],
     ["For County action"], ["Awaits County"]),
    ([B + "Intelligence-led Business Processes",
      T + "Do you have a process for ensuring that district level priorities are fed into the Local Area Agreement?",
      T + "Does your county community safety agreement include ways in which the community safety partnerships will "
      "work together to make better use of their joint resources?"],
     ["For County action"], ["Awaits County"]),
    ([B + "Effective and Responsive Delivery Structures",
      T + "Have you made sufficient links to other partnerships (e.g. Local Criminal Justice Boards, Regional "
      "Reducing Re-offending Boards)?",
      T + "Are your delivery mechanisms aligned across the county to ensure joined-up delivery of cross-border "
      "priorities?",
      T + "Have you put in place actions to prevent re-offending and identified pre-emptive intervention of those "
      "most vulnerable and at risk?"],
     [], ["Yes – CDRP meeting discussed priorities and which to escalate Awaits County", "Yes", "Awaits County",
          "Yes (PPO, YISP)"]),
    ([B + "Visible and Constructive Accountability", T + "Are there effective performance management arrangements in "
      "place?",
      B + "Appropriate Skills and Knowledge",
      T + "If you are in the county strategy group, do you know what you are required to do in order to support "
      "delivery in two-tier areas?",
      T + "If you are in a two-tier area, can you identify areas, themes or issues for cross-partnership working?"],
     [], ["Measurements identified and method of collating and presenting decided", "County",
          "Yes – awaits County commissioning process"]),
]

PLAN: list[Row] = [
    ([B + "Plan For Action – Prepare the Plan", "This plan has to be a three year plan"],
     ["Tackle short, medium & long term issues & link to LAA"], ["Noted"]),
    (["The plan must be revised annually"], ["To cover emerging issues from the strategic assessment"], ["Noted"]),
    (["The plan has to include a strategy for tackling crime and disorder in the area"], ["As identified"], ["Noted"]),
    (["The plan will contain the priorities identified through the strategic assessment"], ["Including community ones"],
     ["Noted"]),
    (["The plan has to contain information about the role of each partner in supporting delivery of the priorities "
      "and how this will be resourced"], ["Action owner to be identified"], ["This will be in the Delivery Plan"]),
    (["The plan should contain information about the way in which performance against priorities will be measured"],
     ["Performance management to be included"], ["Measures identified and assessed how will be used etc."]),
    (["The plan will also contain information about the way in which the partnership will engage with their "
      "communities"], ["Community consultation strategy to be included"], ["See Delivery Plan"]),
    ([B + "Empowered and Effective Leadership", T + "Have you ensured that there are actions ascribed to relevant "
      "partners?", T + "Have you considered ownership of any individual action plans?"],
     [], ["See Delivery Plan See Delivery Plan"]),
    ([B + "Intelligence-led Business Processes",
      T + "Have you ensured that your plan contains links to the priorities identified through the strategic "
      "assessment?",
      T + "Does your plan contain details of how you will measure performance against priorities?",
      T + "Have you ensured that the decisions made have been influenced by the priorities that you have identified "
      "and also the ability to deliver?"],
     [], ["Yes Yes – will do Delivery Group will oversee"]),
    ([B + "Effective and Responsive Delivery Structure",
      T + "Have you considered how you will resource the delivery of your priorities?",
      T + "Have you maximised the opportunities for the joint delivery of actions?"],
     [], ["Delivery Group Within the limits of our resources"]),
    ([B + "Engaged Communities",
      T + "Have you ensured that aspects of the partnership plan can be shared with the community?",
      T + "Have you identified the correct medium for sharing information with the community, including those who "
      "are hard to reach and hard to hear?"],
     [], ["Yes Yes"]),
    ([B + "Appropriate Skills and Knowledge",
      T + "Have you ensured that there are people within the partnership who can review the economy, efficiency and "
      "effectiveness of the partnership's work?"],
     [], ["Performance Management Regime in TOR"]),
]

PUBLISH_AND_DELIVER: list[Row] = [
    ([B + "Publish Summary",
      "The partnership have to publish a summary of the partnership plan in a format of their choice, but in a way "
      "that makes it available to diverse groups in their communities."],
     ["A summary of the plan is required, designed and published to meet the needs of the communities"],
     ["See Community Plan"]),
    ([B + "Effective and Responsive Delivery Structures",
      T + "Have you considered the most effective way to publish the summary plan?",
      T + "Are you making the best use of other avenues of publication?",
      T + "Are you making use of the Hallmarks of a good local policing summary?",
      B + "Engaged Communities", T + "Have you ensured that it can be accessed by diverse communities?",
      B + "Appropriate Skills and Knowledge",
      T + "Do you know that the messages of the partnership are reaching the intended audience?"],
     [], ["Yes Yes Yes", "It uses simplified language, but arrangements for multilingual and voice versions have not "
          "been made", "See surveys"]),
    ([B + "Deliver", "The strategy group is responsible for the implementation of the partnership plan"],
     ["The implementation is the responsibility of the strategy group"], ["TOR"]),
    (["The partnership plan must set out the extent to which people are involved in the partnership in reducing "
      "crime, disorder and substance misuse",
      B + "Effective and Responsive Delivery Structures:",
      T + "Do you have action groups structured around your key priorities?",
      T + "Are these groups delivering what is required to meet the objectives set out in the partnership plan?",
      B + "Intelligence-led Business Processes:",
      T + "Is there a clear process for allocating tasks and resources to delivery groups and bodies?",
      B + "Engaged Communities:",
      T + "Are you actively seeking ways to involve diverse groups within your community in problem solving "
      "initiatives?",
      B + "Appropriate Skills and Knowledge:",
      T + "Are you familiar with the planning processes and the links to other areas of partner business?"],
     ["The communities to be involved in delivery"],
     ["PRIME", "Yes (ASB, PPO, DVF, CDAG, JAG) Needs work – (Chair, Minutes, Management arrangements) Yes (Delivery "
      "group and JAG) Yes – (PRIME, CREW) Yes"]),
]

PROBLEMS_AND_IMPACT: list[Row] = [
    ([B + "Solving Problems", B + "Effective and Responsive Delivery Structures:",
      T + "Are you able to respond flexibly to emerging issues within the community?",
      B + "Intelligence-led Business Processes:",
      T + "Do you have a process for weighing up emerging issues with existing priorities?",
      B + "Empowered and Effective Leadership:",
      T + "Within the strategy group, are you able to constructively challenge each other in order to improve "
      "performance?",
      B + "Appropriate Skills and Knowledge:",
      T + "Do you understand the various problem solving models and how they can be applied to the business of the "
      "partnership?",
      T + "Do you understand the relationship between the partnership delivery structure and the NIM approach?"],
     [], ["Yes-(JAG)", "Yes-(JAG)", "Performance Management – TOR", "Yes",
          "CSP needs an Input after simplified NIM is produced"]),
    ([B + "Evaluating Impact",
      "The strategic assessment must include an assessment of the extent to which last year's plan was implemented",
      "The strategy group must have in place arrangements for assessing the value for money of partnership "
      "activities",
      B + "Intelligence-led Business Processes:",
      T + "Do you have a process for deciding which projects to evaluate?",
      T + "Have you embedded the need to evaluate within these projects?",
      T + "Have you made resources available to carry out evaluation?",
      T + "Are lessons learnt included within your strategic assessment?",
      B + "Appropriate Knowledge and Skills:",
      T + "Do you have a process for learning from previous evaluations?",
      T + "Do you understand what makes a good evaluation?",
      B + "Visible and Constructive Accountability:",
      T + "Does the strategy group consider 'Value for Money' when commissioning and evaluating projects?",
      T + "Do you have a clear idea how effectively your previous partnership plan has been implemented?",
      T + "Do you share the results of your evaluations with others?"],
     ["Strategic assessment to include review of year", "Costing and benefit structure to be in place"],
     ["Will do", "Included when commissioned", "Yes", "Yes", "Yes", "Will be", "Problems solving methodology", "Yes",
      "Yes", "Will", "Will"]),
]

TABLES = [LEAD_AND_GUIDE, GOVERNING, VISIBILITY, ASSESS, PRIORITIES, TWO_TIER, PLAN, PUBLISH_AND_DELIVER,
          PROBLEMS_AND_IMPACT]
KEY = ["Terms of Reference", "Primary Care Trust", "Await external Bodies", "For consideration by the CSP",
       "Delivery Plan"]


def _fill_cell(cell, paragraphs: list[str]) -> None:  # type: ignore[no-untyped-def]
    """One Word paragraph per entry; a bold heading for entries marked with B; a line break for "\\n"."""
    for i, text in enumerate(paragraphs):
        para = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        bold = text.startswith(B)
        run = para.add_run(text[len(B):] if bold else text)  # python-docx writes "\n" as a line break
        run.bold = bold


def _zoom_percent(doc) -> None:  # type: ignore[no-untyped-def]
    """python-docx's template writes ``w:zoom`` without the ``w:percent`` the schema requires."""
    from docx.oxml.ns import qn

    for zoom in doc.settings.element.iter(qn("w:zoom")):
        zoom.set(qn("w:percent"), "100")


def build(target: Path = TARGET) -> Path:
    """Write the rebuilt return; the same input gives the same document text every time."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(9)
    for number, rows in enumerate(TABLES):
        header = 1 if number == 0 else 0
        table = doc.add_table(rows=len(rows) + header, cols=3)
        table.style = "Table Grid"
        if header:
            _fill_cell(table.rows[0].cells[0], [B + "Issue"])
            _fill_cell(table.rows[0].cells[1], [B + "Action"])
            _fill_cell(table.rows[0].cells[2], [B + "Developments"])
        for r, (issue, action, developments) in enumerate(rows, start=header):
            for c, paragraphs in enumerate((issue, action, developments)):
                _fill_cell(table.rows[r].cells[c], paragraphs)
        doc.add_paragraph()
    doc.add_paragraph("Key:")
    for line in KEY:
        doc.add_paragraph(line)
    _zoom_percent(doc)
    target.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(target))
    return target


if __name__ == "__main__":
    print(build())
