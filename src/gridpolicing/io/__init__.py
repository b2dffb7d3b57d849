"""Reading and validating datasets: YAML/JSON files or directories of CSV/Parquet tables."""

from __future__ import annotations

from gridpolicing.io.dataset import Dataset, RejectedRecord, TableCount
from gridpolicing.io.dataset_schema import dataset_json_schema
from gridpolicing.io.readers import load_dataset

__all__ = ["Dataset", "RejectedRecord", "TableCount", "dataset_json_schema", "load_dataset"]
