"""The kernel manager the build's notebooks run under: IPC transport instead of TCP.

ipykernel logs "Kernel is running over TCP without encryption" for every kernel started on TCP, which
is papermill's default, so each build printed the warning once per notebook. The build's kernels are
private to it, so they talk over Unix domain sockets (zmq ``ipc://``) instead: nothing listens on a
network port, the warning has nothing to warn about, and the messages stay signed with the key in the
connection file as before. The sockets live in the user's Jupyter runtime folder (mode 0700), or in a
private temporary folder when that path is too long for a socket name, and are removed with the kernel.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir

#: The longest socket path the kernel may be given (``sun_path`` holds 108 bytes; the suffix ``-N`` follows).
MAX_SOCKET_PATH = 100


def socket_prefix(runtime_dir: str | None = None) -> tuple[str, str | None]:
    """(prefix of a new kernel's socket paths, the private folder made for them or ``None``)."""
    folder = runtime_dir or jupyter_runtime_dir()
    name = f"khar-{uuid.uuid4().hex[:12]}-ipc"
    if len(os.path.join(folder, name)) + 3 <= MAX_SOCKET_PATH:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        return os.path.join(folder, name), None
    private = tempfile.mkdtemp(prefix="khar-")  # mode 0700
    return os.path.join(private, name), private


class IpcKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` (nbclient's default) whose kernels listen on IPC sockets."""

    _private_dir: str | None = None

    def _transport_default(self) -> str:
        return "ipc"

    def _ip_default(self) -> str:
        prefix, self._private_dir = socket_prefix()
        return prefix

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._private_dir and not restart:
            shutil.rmtree(self._private_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
