"""Long work in a background thread, its progress polled by the page.

Ranking 3,000 units takes a while: the request that starts it answers at
once with the job's id, the page asks ``/jobs/<id>`` every second, and the
result (or the Chinese message of the error that stopped it) is kept until
the server stops.  One job of a kind runs at a time.
"""

from __future__ import annotations

import secrets
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RUNNING, DONE, FAILED = "运行中", "已完成", "出错"


@dataclass
class Job:
    id: str
    kind: str
    who: str
    state: str = RUNNING
    stage: str = "准备"
    done: int = 0
    total: int = 0
    messages: list[str] = field(default_factory=list)
    error: str = ""
    result: Any = None
    started: float = field(default_factory=time.time)
    ended: float | None = None

    def progress(self, done: int, total: int, stage: str | None = None) -> None:
        self.done, self.total = done, total
        if stage is not None:
            self.stage = stage

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
            "percent": round(100 * self.done / self.total)
            if self.total
            else (100 if self.state == DONE else 0),
            "messages": self.messages[-50:],
            "error": self.error,
            "seconds": round((self.ended or time.time()) - self.started, 1),
        }


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def running(self, kind: str) -> Job | None:
        with self._lock:
            return next((j for j in self._jobs.values() if j.kind == kind and j.state == RUNNING), None)

    def latest(self, kind: str) -> Job | None:
        with self._lock:
            found = [j for j in self._jobs.values() if j.kind == kind]
        return max(found, key=lambda j: j.started) if found else None

    def start(self, kind: str, who: str, work: Callable[[Job], Any]) -> Job:
        """Run ``work(job)`` in a thread unless a job of ``kind`` is running (that one is returned)."""
        with self._lock:
            busy = next((j for j in self._jobs.values() if j.kind == kind and j.state == RUNNING), None)
            if busy is not None:
                return busy
            job = Job(secrets.token_urlsafe(12), kind, who)
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, work), daemon=True, name=f"assess-{kind}").start()
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Job], Any]) -> None:
        from assess.errors import AssessError

        try:
            job.result = work(job)
            job.state = DONE
        except AssessError as exc:
            job.error = exc.format_message()
            job.state = FAILED
        except Exception as exc:  # a bug in assess: the page says so, the traceback goes to the console
            job.error = f"assess 内部错误({type(exc).__name__}):请把启动 assess serve 的窗口中显示的内容报告给维护人员"
            traceback.print_exc()
            job.state = FAILED
        finally:
            job.ended = time.time()

    def wait(self, job: Job, timeout: float = 120.0) -> Job:
        """Block until ``job`` ends (tests, and the page without JavaScript)."""
        end = time.time() + timeout
        while job.state == RUNNING and time.time() < end:
            time.sleep(0.05)
        return job
