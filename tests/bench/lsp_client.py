"""A small JSON-RPC client for driving `testlens lsp` over stdio, for the benchmarks.

Python 3.11 standard library only. What matters for measuring:

* Responses are read on a dedicated thread, which takes a `time.perf_counter_ns()` timestamp as
  soon as the bytes that complete a message arrive from the pipe (before the JSON is decoded),
  so JSON decoding, thread wake-up and the caller's own bookkeeping stay out of the latency.
* Messages can be encoded ahead of time (`encode`) and written with one `os.write` each
  (`write_raw`), which returns the timestamp taken just before the write: the caller measures
  from that instant.
* Requests the server sends to the client (`window/workDoneProgress/create`,
  `client/registerCapability`, `workspace/configuration`, ...) are answered from the reader
  thread at once, so the server never waits on the benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable


def uri(path: Path | str) -> str:
    return Path(path).resolve().as_uri()


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def encode(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class LspError(RuntimeError):
    pass


class Response:
    __slots__ = ("arrived_ns", "message")

    def __init__(self, arrived_ns: int, message: dict[str, Any]):
        self.arrived_ns = arrived_ns
        self.message = message

    @property
    def result(self) -> Any:
        if "error" in self.message:
            raise LspError(f"error response: {self.message['error']}")
        return self.message.get("result")


class Client:
    """`testlens lsp` as a child process.

    `on_notification(method, params, arrived_ns)` is called on the reader thread for every
    notification; keep it short. `cwd` is the server's working directory; `command`, when given,
    is run instead of `binary lsp args...` (another language server, as a peer).
    """

    def __init__(
        self,
        binary: str | Path,
        *,
        args: list[str] | None = None,
        env: dict[str, str] | None = None,
        stderr_path: Path | None = None,
        on_notification: Callable[[str, Any, int], None] | None = None,
        cwd: Path | str | None = None,
        command: list[str] | None = None,
    ):
        full_env = dict(os.environ)
        full_env.setdefault("TESTLENS_LOG", "info")
        if env:
            full_env.update(env)
        self._stderr_file = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
        # `command` runs another language server (a peer) through the same client.
        self.proc = subprocess.Popen(
            command if command is not None else [str(binary), "lsp", *(args or [])],
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr_file,
            env=full_env,
            bufsize=0,
        )
        self.pid = self.proc.pid
        self._in_fd = self.proc.stdin.fileno()
        self._out_fd = self.proc.stdout.fileno()
        self._write_lock = threading.Lock()
        self._cond = threading.Condition()
        self._responses: dict[int, Response] = {}
        self._next_id = 1
        self.on_notification = on_notification
        self.notifications: list[tuple[int, str, Any]] = []
        self.keep_notifications = True
        self.server_requests: list[tuple[int, str]] = []
        self.protocol_errors: list[str] = []
        self.closed = False
        self._reader = threading.Thread(target=self._read_loop, name="lsp-reader", daemon=True)
        self._reader.start()

    # ---------------------------------------------------------------- writing

    def write_raw(self, data: bytes) -> int:
        """Writes already-encoded bytes; returns the timestamp taken just before the write."""
        with self._write_lock:
            t = time.perf_counter_ns()
            view = memoryview(data)
            while view:
                n = os.write(self._in_fd, view)
                view = view[n:]
        return t

    def next_id(self) -> int:
        with self._cond:
            i = self._next_id
            self._next_id += 1
            return i

    def request_bytes(self, method: str, params: Any) -> tuple[int, bytes]:
        i = self.next_id()
        return i, encode({"jsonrpc": "2.0", "id": i, "method": method, "params": params})

    @staticmethod
    def notification_bytes(method: str, params: Any) -> bytes:
        return encode({"jsonrpc": "2.0", "method": method, "params": params})

    def notify(self, method: str, params: Any) -> int:
        return self.write_raw(self.notification_bytes(method, params))

    def send_request(self, method: str, params: Any) -> tuple[int, int]:
        """Sends a request; returns (id, send timestamp)."""
        i, data = self.request_bytes(method, params)
        return i, self.write_raw(data)

    def wait(self, request_id: int, timeout: float = 60.0) -> Response:
        deadline = time.monotonic() + timeout
        with self._cond:
            while request_id not in self._responses:
                if self.closed:
                    raise LspError(f"server closed its output while waiting for #{request_id}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LspError(f"no response to request #{request_id} within {timeout} s")
                self._cond.wait(left)
            return self._responses.pop(request_id)

    def request(self, method: str, params: Any, timeout: float = 60.0) -> Any:
        i, _ = self.send_request(method, params)
        return self.wait(i, timeout).result

    # ---------------------------------------------------------------- reading

    def _read_loop(self) -> None:
        buf = bytearray()
        fd = self._out_fd
        while True:
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError:
                chunk = b""
            arrived = time.perf_counter_ns()
            if not chunk:
                break
            buf += chunk
            while True:
                header_end = buf.find(b"\r\n\r\n")
                if header_end < 0:
                    break
                length = None
                for line in bytes(buf[:header_end]).split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is None:
                    self.protocol_errors.append(f"header without Content-Length: {bytes(buf[:header_end])!r}")
                    del buf[: header_end + 4]
                    continue
                start = header_end + 4
                if len(buf) < start + length:
                    break
                body = bytes(buf[start : start + length])
                del buf[: start + length]
                try:
                    message = json.loads(body)
                except ValueError as e:
                    self.protocol_errors.append(f"undecodable message: {e}")
                    continue
                self._dispatch(message, arrived)
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def _dispatch(self, message: dict[str, Any], arrived: int) -> None:
        if "method" in message and "id" in message:
            # A request from the server: answer at once.
            method = message["method"]
            self.server_requests.append((arrived, method))
            if method == "workspace/configuration":
                items = message.get("params", {}).get("items", [])
                result: Any = [None] * len(items)
            else:
                result = None
            try:
                self.write_raw(encode({"jsonrpc": "2.0", "id": message["id"], "result": result}))
            except OSError:
                pass
        elif "method" in message:
            method = message["method"]
            params = message.get("params")
            if self.keep_notifications:
                self.notifications.append((arrived, method, params))
            if self.on_notification is not None:
                self.on_notification(method, params, arrived)
        elif "id" in message:
            with self._cond:
                self._responses[message["id"]] = Response(arrived, message)
                self._cond.notify_all()
        else:
            self.protocol_errors.append(f"message of unknown shape: {str(message)[:200]}")

    # ---------------------------------------------------------------- lifecycle

    def initialize(self, root: Path, capabilities: dict[str, Any]) -> Any:
        root_uri = uri(root)
        return self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "testlens-bench", "version": "1"},
                "rootUri": root_uri,
                "rootPath": str(root),
                "workspaceFolders": [{"uri": root_uri, "name": Path(root).name}],
                "capabilities": capabilities,
            },
        )

    def vm_status(self) -> dict[str, int]:
        """VmHWM and VmRSS of the server process, in kB."""
        out: dict[str, int] = {}
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith(("VmHWM:", "VmRSS:")):
                        key, value = line.split(":", 1)
                        out[key] = int(value.split()[0])
        except OSError:
            pass
        return out

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server process so far (all its threads)."""
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks = os.sysconf("SC_CLK_TCK")
            return (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, ValueError, IndexError):
            return None

    def shutdown(self, timeout: float = 30.0) -> int:
        try:
            if not self.closed:
                self.request("shutdown", None, timeout=timeout)
                self.notify("exit", None)
        except (LspError, OSError):
            pass
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        if self._stderr_file is not subprocess.DEVNULL:
            self._stderr_file.close()
        return code


def snapshot_binary(binary: Path | str, into: Path) -> tuple[Path, str]:
    """Copies the binary to `into` and returns the copy and its sha256.

    The benchmark runs the copy, so that a `cargo build` in the same target directory while it
    runs (a developer at work) cannot swap the binary under it.
    """
    import hashlib
    import shutil

    into.mkdir(parents=True, exist_ok=True)
    copy = into / Path(binary).name
    shutil.copy2(binary, copy)
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    return copy, digest


def capabilities(*, work_done_progress: bool = True, client_watches_files: bool = True) -> dict[str, Any]:
    """What a modern editor advertises (the parts testlens reads)."""
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": work_done_progress},
        "workspace": {
            "workspaceFolders": True,
            "didChangeWatchedFiles": {"dynamicRegistration": client_watches_files},
            "symbol": {},
        },
        "textDocument": {
            "synchronization": {"dynamicRegistration": False, "didSave": True},
            # As VS Code: tooltips are resolved lazily when the server offers inlayHint/resolve.
            "inlayHint": {"dynamicRegistration": False, "resolveSupport": {"properties": ["tooltip"]}},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
            # Pull diagnostics: the server then pushes nothing on its own while we type.
            "diagnostic": {"dynamicRegistration": False},
            "publishDiagnostics": {"versionSupport": True},
        },
    }


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]
