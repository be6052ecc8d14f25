"""Improvement plans (Annex C of the 2003 guidance) as Excel workbooks.

    generate_plan   Framework (+ prefilled rows) -> a plan workbook to fill in
    prefill_rows    a parsed return or merged dataset -> the plan's first rows
    parse_plan      a returned plan workbook -> PlanResult (rows, header, problems)
    check_plan      the plan rules over rows (parse_plan runs them)
    merge_plans     several partners' plans -> one list of who owns which action
    merged_table    a merged plan as header + rows (for the summary workbook's plan sheet)
"""

from docxform.plan.generate import generate_plan
from docxform.plan.merge import merge_plans, merged_table
from docxform.plan.prefill import prefill_rows
from docxform.plan.read import parse_plan
from docxform.plan.rules import check_plan
from docxform.records.plan import PlanResult, PlanRow, plan_columns

__all__ = ["PlanResult", "PlanRow", "check_plan", "generate_plan", "merge_plans", "merged_table", "parse_plan",
           "plan_columns", "prefill_rows"]
