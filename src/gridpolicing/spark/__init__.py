"""Apache Spark as the distributed engine: each partition evaluated by the same engine.

``pip install gridpolicing[spark]`` (PySpark, and a Java runtime: see docs/scale-out.md)::

    from gridpolicing import load_policy
    from gridpolicing.spark import evaluate, session

    report = evaluate(load_policy("chengdu-xindu-2022"), "data/province", "2022",
                      spark=session("local[*]"))
"""

from gridpolicing.spark.engine import evaluate, session
from gridpolicing.spark.layout import Partition, partitions

__all__ = ["Partition", "evaluate", "partitions", "session"]
