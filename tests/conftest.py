import socket

import pytest

pytest_plugins = ["scalingo_async.testing.pytest_plugin"]


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
