"""Real-time early warnings: an embeddable monitor of a policy's rules (工作预警提示).

::

    from gridpolicing import load_dataset, load_policy
    from gridpolicing.monitor import Monitor

    monitor = Monitor(load_policy("chengdu-xinjin-2022"), load_dataset("deployment/"),
                      on_alert=lambda a: print(a.to_dict()))
    monitor.post({"type": "activity", "id": "x1", "person": "p1", "unit": "v1",
                  "kind": "household_visit", "start": "2022-03-07T09:00",
                  "end": "2022-03-07T11:00"})
    monitor.advance(datetime(2022, 3, 10, 18))

See docs/monitor.md for the event format, the alerts, the engines and restarts.
"""

from gridpolicing.monitor.alerts import ALERT_FORMAT, Alert, AlertKind
from gridpolicing.monitor.checkpoint import CHECKPOINT_FORMAT, CheckpointError
from gridpolicing.monitor.durable import DurableError
from gridpolicing.monitor.events import EVENT_TYPES, EventError, events_from_dataset, parse_event
from gridpolicing.monitor.judges import ENGINES
from gridpolicing.monitor.lines import decode_line
from gridpolicing.monitor.monitor import Monitor
from gridpolicing.monitor.pace import Checkpoint, load_pace, parse_pace
from gridpolicing.monitor.plans import WATCHED_KINDS, WatchPlan, compile_plans

__all__ = [
    "ALERT_FORMAT",
    "CHECKPOINT_FORMAT",
    "ENGINES",
    "EVENT_TYPES",
    "WATCHED_KINDS",
    "Alert",
    "AlertKind",
    "Checkpoint",
    "CheckpointError",
    "DurableError",
    "EventError",
    "Monitor",
    "WatchPlan",
    "compile_plans",
    "decode_line",
    "events_from_dataset",
    "load_pace",
    "parse_event",
    "parse_pace",
]
