"""Shared helpers for the pytest-lsp suite: paths, client capabilities, the test client, waiting
on notifications, position encodings, and the fixture READMEs' expectations."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from lsprotocol import types as T
from pygls.client import JsonRPCClient
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
LANGUAGES = ("python", "rust", "go", "typescript", "javascript")
LANGUAGE_IDS = {
    "python": "python",
    "rust": "rust",
    "go": "go",
    "typescript": "typescript",
    "javascript": "javascript",
}

# Every wait on the server is bounded. A notification or a response should come within a second;
# the background index of a fixture takes about 2 s with the debug build (it compiles every
# language's tree-sitter queries first), so its wait is longer.
WAIT = 5.0
INDEX_WAIT = 10.0


def server_binary() -> Path:
    return Path(os.environ.get("TESTLENS_BIN") or REPO / "target" / "debug" / "testlens")


# --------------------------------------------------------------------------------------------
# Client capabilities


def capabilities(
    *,
    encodings: tuple[str, ...] = ("utf-16",),
    pull: bool = False,
    progress: bool = True,
) -> T.ClientCapabilities:
    """A small, explicit client: exactly what the tests rely on, nothing else."""
    return T.ClientCapabilities(
        general=T.GeneralClientCapabilities(
            position_encodings=[T.PositionEncodingKind(e) for e in encodings]
        ),
        window=T.WindowClientCapabilities(work_done_progress=progress),
        workspace=T.WorkspaceClientCapabilities(
            workspace_folders=True,
            symbol=T.WorkspaceSymbolClientCapabilities(),
        ),
        text_document=T.TextDocumentClientCapabilities(
            synchronization=T.TextDocumentSyncClientCapabilities(did_save=True),
            hover=T.HoverClientCapabilities(
                content_format=[T.MarkupKind.Markdown, T.MarkupKind.PlainText]
            ),
            document_symbol=T.DocumentSymbolClientCapabilities(
                hierarchical_document_symbol_support=True
            ),
            inlay_hint=T.InlayHintClientCapabilities(),
            publish_diagnostics=T.PublishDiagnosticsClientCapabilities(
                version_support=True, code_description_support=True
            ),
            diagnostic=T.DiagnosticClientCapabilities() if pull else None,
        ),
    )


@dataclass(frozen=True)
class Setup:
    """How a test wants its client: which fixture project is the workspace folder, and what the
    client advertises. Passed to the `client` fixture with indirect parametrization."""

    language: str = "python"
    encoding: str = "utf-16"  # "utf-8" makes the client offer ["utf-8", "utf-16"]
    pull: bool = False
    progress: bool = True
    # Hold the answer to window/workDoneProgress/create until the test releases it.
    hold_progress_create: bool = False
    # Use the capabilities pytest-lsp recorded from a real editor instead (e.g. "neovim@v0.11.0").
    recorded: str | None = None

    @property
    def root(self) -> Path:
        return FIXTURES / self.language

    def client_capabilities(self) -> T.ClientCapabilities:
        if self.recorded is not None:
            from pytest_lsp import client_capabilities

            return client_capabilities(self.recorded)
        encodings = ("utf-8", "utf-16") if self.encoding == "utf-8" else ("utf-16",)
        return capabilities(encodings=encodings, pull=self.pull, progress=self.progress)

    def __str__(self) -> str:
        parts = [self.language]
        if self.recorded:
            parts.append(self.recorded)
        else:
            parts.append(self.encoding)
            parts.append("pull" if self.pull else "push")
        if not self.progress:
            parts.append("no-progress")
        if self.hold_progress_create:
            parts.append("late-create")
        return "-".join(parts)


# --------------------------------------------------------------------------------------------
# The test client


class TestlensClient(LanguageClient):
    """pytest-lsp's client, recording a little more: every publishDiagnostics in order, every
    registration, and the server's stderr lines (still forwarded to our stderr)."""

    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[T.PublishDiagnosticsParams] = []
        self.registrations: list[T.Registration] = []
        self.progress_creates: list[T.ProgressToken] = []
        self.stderr_lines: list[str] = []
        self._stderr_waiters: list[tuple[str, asyncio.Future[str]]] = []
        self.create_gate: asyncio.Event | None = None
        self.setup: Setup = Setup()
        self.init_result: T.InitializeResult | None = None
        self.opened: dict[Path, str] = {}

    async def start_io(self, cmd: str, *args: Any, **kwargs: Any) -> None:
        # pygls' start_io (not pytest-lsp's, which would forward stderr itself).
        await JsonRPCClient.start_io(self, cmd, *args, **kwargs)
        self._stderr_forwarder = asyncio.create_task(self._pump_stderr())

    async def _pump_stderr(self) -> None:
        server = self._server
        if server is None or server.stderr is None:
            return
        while (raw := await server.stderr.readline()) != b"":
            sys.stderr.buffer.write(raw)
            line = raw.decode("utf-8", "replace")
            self.stderr_lines.append(line)
            for needle, fut in list(self._stderr_waiters):
                if needle in line and not fut.done():
                    fut.set_result(line)
                    self._stderr_waiters.remove((needle, fut))

    async def wait_for_stderr(self, needle: str, timeout: float = WAIT) -> str:
        """The first server log line containing `needle` (already logged, or to come)."""
        for line in self.stderr_lines:
            if needle in line:
                return line
        fut: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._stderr_waiters.append((needle, fut))
        return await asyncio.wait_for(fut, timeout)


def make_client() -> TestlensClient:
    client = TestlensClient(converter_factory=default_converter)
    own = {
        T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
        T.WINDOW_WORK_DONE_PROGRESS_CREATE,
    }
    register_lsp_features(
        client, {k: v for k, v in DEFAULT_CLIENT_FEATURES.items() if k not in own}
    )

    @client.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish_diagnostics(params: T.PublishDiagnosticsParams) -> None:
        client.published.append(params)
        client.diagnostics[params.uri] = params.diagnostics

    @client.feature(T.WINDOW_WORK_DONE_PROGRESS_CREATE)
    async def create_progress(params: T.WorkDoneProgressCreateParams) -> None:
        client.progress_creates.append(params.token)
        if client.create_gate is not None:
            await client.create_gate.wait()
        client.progress_reports.setdefault(params.token, [])

    @client.feature(T.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: T.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)

    return client


async def wait_until(
    client: LanguageClient,
    method: str,
    predicate: Callable[[], Any],
    timeout: float = WAIT,
    what: str = "",
) -> Any:
    """Await notifications `method` until `predicate()` is truthy; return its value. The check
    and the registration of the next wait happen with no await in between, so no notification
    can slip through unseen."""
    try:
        async with asyncio.timeout(timeout):
            while not (value := predicate()):
                await client.wait_for_notification(method)
            return value
    except TimeoutError:
        raise AssertionError(
            f"timed out after {timeout}s waiting on {method} for {what or predicate}"
        ) from None


def index_end(client: LanguageClient) -> T.WorkDoneProgressEnd | None:
    for value in client.progress_reports.get("testlens/index", []):
        if isinstance(value, T.WorkDoneProgressEnd):
            return value
    return None


async def wait_for_index(client: LanguageClient, timeout: float = INDEX_WAIT) -> T.WorkDoneProgressEnd:
    """The background index has finished: its work-done progress ended."""
    return await wait_until(
        client, T.PROGRESS, lambda: index_end(client), timeout, "the end of testlens/index"
    )


async def request(awaitable: Any, timeout: float = WAIT) -> Any:
    """A request, bounded: a server that does not answer fails the test instead of hanging it."""
    return await asyncio.wait_for(awaitable, timeout)


def thread_names(pid: int) -> list[str]:
    """The names of a process's threads (Linux)."""
    names = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            names.append((task / "comm").read_text().strip())
        except OSError:  # the thread just exited
            pass
    return names


async def wait_for_thread_exit(client: LanguageClient, name: str, timeout: float = WAIT) -> None:
    """Until the server has no thread called `name`. Nothing on the protocol marks the moment,
    so this polls, bounded."""
    assert client._server is not None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while name in thread_names(client._server.pid):
        assert loop.time() < deadline, f"the server's thread {name!r} did not exit within {timeout}s"
        await asyncio.sleep(0.01)


# --------------------------------------------------------------------------------------------
# Documents


def uri_of(path: Path) -> str:
    return path.as_uri()


def open_document(client: TestlensClient, path: Path, text: str | None = None, version: int = 1) -> str:
    """didOpen, once per document and server (a shared server keeps its documents open)."""
    if path in client.opened:
        assert text is None or text == client.opened[path]
        return client.opened[path]
    text = path.read_text(encoding="utf-8") if text is None else text
    client.opened[path] = text
    lang = LANGUAGE_IDS[path.relative_to(FIXTURES).parts[0]]
    client.text_document_did_open(
        T.DidOpenTextDocumentParams(
            text_document=T.TextDocumentItem(
                uri=uri_of(path), language_id=lang, version=version, text=text
            )
        )
    )
    return text


def change_document(
    client: LanguageClient, path: Path, version: int, changes: list[tuple[T.Range, str]]
) -> None:
    client.text_document_did_change(
        T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri_of(path), version=version),
            content_changes=[
                T.TextDocumentContentChangePartial(range=r, text=t) for r, t in changes
            ],
        )
    )


def whole_range(text: str) -> T.Range:
    return T.Range(T.Position(0, 0), T.Position(len(text.split("\n")), 0))


async def inlay_hints(client: LanguageClient, path: Path, text: str) -> list[T.InlayHint]:
    hints = await request(
        client.text_document_inlay_hint_async(
            T.InlayHintParams(
                text_document=T.TextDocumentIdentifier(uri=uri_of(path)), range=whole_range(text)
            )
        )
    )
    return list(hints or [])


def label(hint: T.InlayHint) -> str:
    if isinstance(hint.label, str):
        return hint.label
    return "".join(part.value for part in hint.label)


async def document_symbols(client: LanguageClient, path: Path) -> list[T.DocumentSymbol]:
    result = await request(
        client.text_document_document_symbol_async(
            T.DocumentSymbolParams(text_document=T.TextDocumentIdentifier(uri=uri_of(path)))
        )
    )
    assert result is not None
    assert all(isinstance(s, T.DocumentSymbol) for s in result), result
    return list(result)


async def hover(client: LanguageClient, path: Path, position: T.Position) -> T.Hover | None:
    return await request(
        client.text_document_hover_async(
            T.HoverParams(text_document=T.TextDocumentIdentifier(uri=uri_of(path)), position=position)
        )
    )


def hover_markdown(h: T.Hover | None) -> str:
    assert h is not None, "no hover"
    assert isinstance(h.contents, T.MarkupContent), h.contents
    assert h.contents.kind == T.MarkupKind.Markdown
    return h.contents.value


async def pull_diagnostics(client: LanguageClient, path: Path) -> list[T.Diagnostic]:
    report = await request(
        client.text_document_diagnostic_async(
            T.DocumentDiagnosticParams(text_document=T.TextDocumentIdentifier(uri=uri_of(path)))
        )
    )
    assert isinstance(report, T.RelatedFullDocumentDiagnosticReport), report
    assert report.kind == "full"
    return list(report.items)


async def pushed_diagnostics(
    client: TestlensClient, path: Path, version: int | None = None
) -> list[T.Diagnostic]:
    """The next-or-already-received publishDiagnostics for `path` (at `version`, if given)."""
    uri = uri_of(path)

    def found() -> T.PublishDiagnosticsParams | None:
        for p in reversed(client.published):
            if p.uri == uri and (version is None or p.version == version):
                return p
        return None

    published = await wait_until(
        client,
        T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
        found,
        WAIT,
        f"diagnostics of {uri} (version {version})",
    )
    return list(published.diagnostics)


# --------------------------------------------------------------------------------------------
# Position encodings


def units(text: str, encoding: str) -> int:
    """The length of `text` in the code units of `encoding` ("utf-16" or "utf-8")."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    raise ValueError(encoding)


def column(line: str, index: int, encoding: str) -> int:
    """The column of the character at Python string index `index` of `line`."""
    return units(line[:index], encoding)


# --------------------------------------------------------------------------------------------
# The fixture READMEs


@dataclass(frozen=True)
class Expected:
    name: str  # as the README spells it, e.g. `Cart.add`, `Item::new`
    file: str  # relative to the fixture project
    line: int  # 1-based
    complexity: int

    @property
    def short_name(self) -> str:
        return re.split(r"\.|::", self.name)[-1]


_ROW = re.compile(r"^\|\s*`(?P<name>[^`]+)`[^|]*\|\s*(?P<file>[^|:\s]+):(?P<line>\d+)\s*\|\s*(?P<cx>\d+)\s*\|")


def readme_complexities(language: str) -> list[Expected]:
    """The rows of "Functions and expected cyclomatic complexity" in fixtures/<language>/README.md."""
    text = (FIXTURES / language / "README.md").read_text(encoding="utf-8")
    section = text.split("## Functions and expected cyclomatic complexity", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        m = _ROW.match(line)
        if m:
            rows.append(Expected(m["name"], m["file"], int(m["line"]), int(m["cx"])))
    assert rows, f"no complexity table in fixtures/{language}/README.md"
    return rows
