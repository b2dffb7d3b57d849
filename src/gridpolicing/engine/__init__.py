"""Evaluation engine: periods, the working-day calendar, plan contexts and evaluation."""

from gridpolicing.engine.context import PlanContext
from gridpolicing.engine.evaluate import evaluate
from gridpolicing.engine.periods import Bucket, DateRange, parse_range

__all__ = ["Bucket", "DateRange", "PlanContext", "evaluate", "parse_range"]
