"""The build's kernels listen on IPC sockets whose paths fit a socket name."""

from __future__ import annotations

import os

from khar_analysis.build import kernels


def test_sockets_go_to_the_runtime_folder_when_the_path_is_short(tmp_path):
    prefix, private = kernels.socket_prefix(str(tmp_path))
    assert private is None and os.path.dirname(prefix) == str(tmp_path)
    assert os.path.basename(prefix).startswith("khar-") and prefix.endswith("-ipc")


def test_a_long_runtime_path_gets_a_private_short_folder(tmp_path):
    deep = tmp_path / ("x" * 120)
    prefix, private = kernels.socket_prefix(str(deep))
    try:
        assert private and prefix.startswith(private) and len(prefix) + 3 <= kernels.MAX_SOCKET_PATH
        assert oct(os.stat(private).st_mode & 0o777) == "0o700"
    finally:
        os.rmdir(private)


def test_the_manager_defaults_to_ipc():
    km = kernels.IpcKernelManager(kernel_name="khar-analysis")
    assert km.transport == "ipc" and km.ip.endswith("-ipc")
