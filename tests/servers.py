"""Throw-away servers for the fault tests: each test starts its own and stops only its own.

Never the shared PostgreSQL (5432) or Redis (6379): other engineers' tests run against them.
- `RedisServer`: `redis-server` on a free loopback port, nothing kept on disk;
- `PostgresCluster`: an `initdb` cluster in a temporary folder on a free port (`pg_ctl`);
- `HungSMTPServer`: accepts connections and never says a word;
- `ClosingListener`: accepts connections and closes them at once, counting them (a broken
  Redis, seen from the client);
- `Inbox`/`smtp_server`: a real SMTP server (aiosmtpd) that keeps what it receives;
- `start_worker`: a real `telemon worker` process (its own session, so it can be killed whole).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WAIT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def until(check: Callable[[], Any], what: str, seconds: float = WAIT_SECONDS) -> Any:
    """Poll `check` until it returns something true; generous deadlines, no timing asserted."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        until(lambda: _port_open(self.port), "the throw-away redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return path


class PostgresCluster:
    """Its own cluster: initdb (as the postgres user when the tests run as root), pg_ctl."""

    def __init__(self) -> None:
        # Its own folder under /tmp: pytest's folders are closed to the postgres user.
        workdir = Path(tempfile.mkdtemp(prefix="telemon-pg-"))
        workdir.chmod(0o755)
        self.port = free_port()
        self.data = workdir / "pgdata"
        self.log = workdir / "postgres.log"
        self.workdir = workdir

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    def init(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
        self._run(
            _pg_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start()

    def start(self) -> None:
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def stop(self) -> None:
        """A fast shutdown: every connection is cut, as in a restart."""
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


class _Listener(threading.Thread):
    def __init__(self, close_at_once: bool, port: int | None = None) -> None:
        super().__init__(daemon=True)
        self.port = port or free_port()
        self.close_at_once = close_at_once
        self.connections = 0
        self.held: list[socket.socket] = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            if self.close_at_once:
                conn.close()
            else:
                self.held.append(conn)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)
        for conn in self.held:
            conn.close()
        self.sock.close()


class HungSMTPServer(_Listener):
    """Accepts and never answers (not even the greeting)."""

    def __init__(self, port: int | None = None) -> None:
        super().__init__(close_at_once=False, port=port)

    @classmethod
    def on_port(cls, port: int) -> HungSMTPServer:
        return cls(port)


class ClosingListener(_Listener):
    """Accepts and hangs up at once, counting the connections."""

    def __init__(self) -> None:
        super().__init__(close_at_once=True)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


def smtp_server(port: int) -> tuple[Inbox, Any]:
    """A started aiosmtpd controller on the port, and its inbox; stop the controller."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return inbox, controller


def start_worker(env: dict[str, str], log_path: Path, *args: str) -> subprocess.Popen[bytes]:
    log = open(log_path, "ab")  # noqa: SIM115  (the process keeps it)
    return subprocess.Popen(
        [sys.executable, "-m", "telemon", "worker", *args],
        env=dict(os.environ, **env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_process(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
