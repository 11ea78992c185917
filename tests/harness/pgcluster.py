"""A throwaway PostgreSQL cluster for tests and benchmarks.

PostgreSQL refuses to run as root, and CI runs as root: then the cluster is created and run as
the `postgres` system user (with `runuser`), its data in a temporary folder, listening on
127.0.0.1 only, on a free port. For an ordinary user it simply runs as that user.

    python -m tests.harness.pgcluster start DIR   # prints a DATABASE_URL
    python -m tests.harness.pgcluster stop DIR
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(os.path.realpath(on_path)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    for candidate in candidates:
        folder = Path(candidate).parent
        if (folder / "initdb").exists():
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    bin_dir: Path

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def restart(self, *, fast: bool) -> None:
        """Restart the server with or without durability (`start`'s `fast`): the benchmark
        restores without it and serves with it."""
        self._run(
            *("pg_ctl", "-D", str(self.data_dir), "-l", str(self.folder / "server.log")),
            *("-o", _server_options(self, fast=fast), "-w", "-t", "60", "-m", "fast", "restart"),
        )

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def _server_options(cluster: Cluster, *, fast: bool) -> str:
    options = [
        "-c listen_addresses=127.0.0.1",
        f"-p {cluster.port}",
        f"-k {cluster.folder}",
        "-c max_connections=200",
        "-c shared_buffers=256MB",
    ]
    if fast:
        # Durability is pointless for a throwaway database; speed is not.
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    return " ".join(options)


def start(folder: Path | None = None, *, fast: bool = True) -> Cluster:
    """Create and start a cluster; raises RuntimeError with PostgreSQL's message on failure."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL (initdb, pg_ctl) is not installed")
    folder = Path(folder or tempfile.mkdtemp(prefix="ocop-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        os.chmod(folder, 0o700)
    cluster = Cluster(folder=folder, port=free_port(), bin_dir=bin_dir)
    try:
        cluster._run(
            "initdb",
            "-D",
            str(cluster.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        cluster._run(
            "pg_ctl",
            "-D",
            str(cluster.data_dir),
            "-l",
            str(folder / "server.log"),
            "-o",
            _server_options(cluster, fast=fast),
            "-w",
            "-t",
            "60",
            "start",
        )
    except subprocess.CalledProcessError as error:
        log = folder / "server.log"
        detail = (error.stderr or "") + (log.read_text() if log.exists() else "")
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {detail.strip()}") from error
    return cluster


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in {"start", "stop"}:
        print(__doc__, file=sys.stderr)  # noqa: T201
        return 2
    folder = Path(argv[2])
    if argv[1] == "start":
        cluster = start(folder, fast=False)
        (folder / "port").write_text(str(cluster.port))
        print(cluster.url)  # noqa: T201
        return 0
    port = int((folder / "port").read_text()) if (folder / "port").exists() else 0
    bin_dir = find_pg_bin()
    if bin_dir is not None:
        Cluster(folder=folder, port=port, bin_dir=bin_dir).stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
