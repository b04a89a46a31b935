"""The `client` fixture: the real `testlens lsp` binary (env TESTLENS_BIN, default
target/debug/testlens) driven by pytest-lsp, initialized with one fixture project as its
workspace folder.

Which project and which client capabilities: parametrize `client` indirectly with a
`helpers.Setup`, e.g.

    @pytest.mark.parametrize("client", [Setup("go", encoding="utf-8")], indirect=True, ids=str)

Without a parameter the client is `Setup()`: fixtures/python, UTF-16, push diagnostics,
work-done progress.

`shared` takes the same parameter, but hands out one server per Setup for the whole session,
indexed before use: for tests that only read. Every test and fixture runs in one event loop
(pytest.ini).
"""

from __future__ import annotations

import asyncio
import os

import pytest
import pytest_asyncio
import pytest_lsp
from lsprotocol import types as T
from pytest_lsp import ClientServerConfig

from helpers import WAIT, Setup, TestlensClient, make_client, server_binary, wait_for_index

BIN = server_binary()

# The server logs at `info` to stderr (pytest shows it for failing tests only); one test waits
# on its "workspace indexed" line.
SERVER_ENV = {**os.environ, "TESTLENS_LOG": "info"}


def pytest_configure(config: pytest.Config) -> None:
    if not BIN.is_file() or not os.access(BIN, os.X_OK):
        raise pytest.UsageError(
            f"testlens binary not found at {BIN}: run `cargo build --bins` or set TESTLENS_BIN"
        )


CONFIG = ClientServerConfig(
    server_command=[str(BIN), "lsp"],
    client_factory=make_client,
    server_env=SERVER_ENV,
)


async def initialize(lsp_client: TestlensClient, setup: Setup) -> None:
    lsp_client.setup = setup
    if setup.hold_progress_create:
        lsp_client.create_gate = asyncio.Event()
    root = setup.root
    params = T.InitializeParams(
        capabilities=setup.client_capabilities(),
        root_uri=root.as_uri(),
        workspace_folders=[T.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        client_info=T.ClientInfo(name="pytest-lsp", version="1.0.1"),
    )
    lsp_client.init_result = await asyncio.wait_for(lsp_client.initialize_session(params), WAIT)


async def shut_down(lsp_client: TestlensClient) -> None:
    if lsp_client.create_gate is not None:
        lsp_client.create_gate.set()  # never leave the server's request unanswered
    await asyncio.wait_for(lsp_client.shutdown_session(), WAIT)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: TestlensClient, request: pytest.FixtureRequest):
    """A server of its own, for a test that edits documents or needs particular capabilities."""
    await initialize(lsp_client, getattr(request, "param", Setup()))
    yield
    await shut_down(lsp_client)


class Servers:
    """One server per Setup for the whole session, started on first use and indexed before it
    is handed out."""

    def __init__(self) -> None:
        self._clients: dict[Setup, TestlensClient] = {}
        self._lock = asyncio.Lock()

    async def get(self, setup: Setup) -> TestlensClient:
        async with self._lock:
            if setup not in self._clients:
                lsp_client = await CONFIG.start()
                self._clients[setup] = lsp_client
                await initialize(lsp_client, setup)
                await wait_for_index(lsp_client)
            return self._clients[setup]

    async def close(self) -> None:
        for lsp_client in self._clients.values():
            try:
                await shut_down(lsp_client)
            finally:
                await lsp_client.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def servers():
    pool = Servers()
    yield pool
    await pool.close()


@pytest_asyncio.fixture
async def shared(servers: Servers, request: pytest.FixtureRequest) -> TestlensClient:
    """For the tests that only read: a server shared with the other tests of the same Setup,
    its background index finished. Such tests open documents with `helpers.open_document` (which
    opens each document once per server) and never edit them."""
    return await servers.get(getattr(request, "param", Setup()))
