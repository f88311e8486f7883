"""The nginx site the .deb ships, run by Debian's nginx in front of two real receivers.

The site is used as shipped, with only its addresses, ports, name and certificate files
changed for the test. nginx runs unprivileged, in the foreground, from a folder of its own;
the receivers store into a real PostgreSQL database. The provider is a client on another
loopback address (127.0.0.3) than nginx's (127.0.0.2), so that what the receivers believe
of X-Forwarded-For shows.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from tests.support.cli import cli_env, command, run_cli

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "packaging" / "nginx" / "sms-console-receiver.conf"
TOKEN = "proxy-token-0123456789abcdef"
PROXY = "127.0.0.2"
PROVIDER = "127.0.0.3"
STRANGER = "127.0.0.4"
# nginx drops to this user when started as root; as any other user it stays that user.
UNPRIVILEGED = "nobody"


@dataclass
class Receiver:
    process: subprocess.Popen[str]
    port: int
    data_dir: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.communicate(timeout=20)

    def access_log(self) -> list[str]:
        path = self.data_dir / "listener-access.log"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@dataclass
class Proxy:
    url: str
    authority: trustme.CA
    folder: Path

    def logs(self) -> dict[str, str]:
        return {p.name: p.read_text(encoding="utf-8") for p in self.folder.glob("*.log")}

    def client(self, source: str) -> httpx.Client:
        context = ssl.create_default_context()
        self.authority.configure_trust(context)
        return httpx.Client(
            transport=httpx.HTTPTransport(verify=context, local_address=source), timeout=10
        )


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found is None:
        pytest.fail("nginx is not installed: run scripts/system_packages.sh (make test does)")
    return found


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def site_for_test(port: int, receivers: list[int], prefix: Path) -> str:
    """The shipped site with this test's addresses, ports, certificate and logs."""
    text = SITE.read_text(encoding="utf-8")
    changes = {
        "    listen 443 ssl http2;\n": f"    listen {PROXY}:{port} ssl http2;\n",
        "    listen [::]:443 ssl http2;\n": "",
        "server_name callbacks.example.com;": f"server_name {PROXY};",
        "/etc/ssl/certs/callbacks.example.com.pem": str(prefix / "cert.pem"),
        "/etc/ssl/private/callbacks.example.com.key": str(prefix / "key.pem"),
        "/var/log/nginx/sms-console-receiver.access.log": str(prefix / "site-access.log"),
        "/var/log/nginx/sms-console-receiver.error.log": str(prefix / "site-error.log"),
        "127.0.0.1:8787;": f"127.0.0.1:{receivers[0]};",
        "127.0.0.1:8788;": f"127.0.0.1:{receivers[1]};",
    }
    for old, new in changes.items():
        assert text.count(old) == 1, f"the shipped site no longer has {old!r}"
        text = text.replace(old, new)
    return text


def main_config(prefix: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site, with every file in ``prefix``."""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    access_log {prefix / "access.log"};
{temp}
    include {prefix / "site.conf"};
}}
"""


@pytest.fixture
def receivers(tmp_path: Path, postgres_url: str) -> Iterator[list[Receiver]]:
    started: list[Receiver] = []
    try:
        for name in ("first", "second"):
            data_dir = tmp_path / name
            process = subprocess.Popen(
                command(
                    data_dir, "--store", postgres_url, "receiver", "--port", "0",
                    "--path-token", TOKEN, "--trusted-proxy", "127.0.0.1/32",
                    "--allow", f"{PROVIDER}/32",
                ),
                env=cli_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            assert process.stdout is not None
            assert process.stderr is not None
            line = process.stdout.readline()
            assert line.startswith("listening "), process.stderr.read()
            port = int(line.split()[1].split(":")[2].split("/")[0])
            started.append(Receiver(process, port, data_dir))
        yield started
    finally:
        for receiver in started:
            if receiver.process.poll() is None:
                receiver.process.kill()
            receiver.process.communicate(timeout=10)


@pytest.fixture
def proxy(receivers: list[Receiver]) -> Iterator[Proxy]:
    nginx = nginx_binary()
    authority = trustme.CA()
    # Not under pytest's folder, which only root may enter: nginx runs as another user.
    with tempfile.TemporaryDirectory(prefix="sms-console-nginx-") as folder:
        prefix = Path(folder)
        cert, key = prefix / "cert.pem", prefix / "key.pem"
        issued = authority.issue_cert(PROXY)
        issued.cert_chain_pems[0].write_to_path(str(cert))
        issued.private_key_pem.write_to_path(str(key))
        port = free_port(PROXY)
        site = site_for_test(port, [r.port for r in receivers], prefix)
        (prefix / "site.conf").write_text(site, encoding="utf-8")
        (prefix / "nginx.conf").write_text(main_config(prefix), encoding="utf-8")
        as_user: list[str] = []
        if os.geteuid() == 0:
            as_user = ["runuser", "-u", UNPRIVILEGED, "--"]
            for path in (prefix, *prefix.iterdir()):
                shutil.chown(path, UNPRIVILEGED)
        # No -e for the early error log: Ubuntu 22.04's nginx (1.18) lacks it. Until it has
        # read the configuration, nginx writes to stderr.
        base = [*as_user, nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
        checked = subprocess.run([*base, "-t"], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen(
            [*base, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            wait_for_port(process, port, prefix / "error.log")
            yield Proxy(f"https://{PROXY}:{port}/callbacks/{TOKEN}", authority, prefix)
        finally:
            # SIGQUIT, nginx's graceful stop, to the whole group: runuser does not pass
            # it on.
            os.killpg(process.pid, signal.SIGQUIT)
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()


def wait_for_port(process: subprocess.Popen[str], port: int, error_log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx stopped: {error_log.read_text(encoding='utf-8')}")
        try:
            socket.create_connection((PROXY, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail("nginx did not start listening within 10 s")


def receipt(message_id: str) -> dict[str, str]:
    return {"type": "receipt", "message_id": message_id, "message_state": "2", "result_code": "0"}


def logged(data_dir: Path, store: str) -> dict[str, dict[str, Any]]:
    result = run_cli(data_dir, "--store", store, "log", "--json")
    assert result.returncode == 0, result.stderr
    return {entry["message_id"]: entry for entry in map(json.loads, result.stdout.splitlines())}


def test_callbacks_over_https_are_shared_by_the_receivers_and_stored_with_the_providers_address(
    proxy: Proxy, receivers: list[Receiver], postgres_url: str, tmp_path: Path
) -> None:
    ids = [f"via-proxy-{n}" for n in range(6)]
    with proxy.client(PROVIDER) as client:
        statuses = [client.post(proxy.url, data=receipt(i)).status_code for i in ids]
    for receiver in receivers:
        receiver.stop()

    assert statuses == [200] * len(ids)
    entries = logged(tmp_path / "console", postgres_url)
    assert sorted(i for i in entries if i in ids) == ids
    assert {entries[i]["receipts"][0]["source_address"] for i in ids} == {PROVIDER}
    # Each receiver took some of them, and saw the provider's address, not nginx's.
    for receiver in receivers:
        lines = [line for line in receiver.access_log() if " POST /callbacks/<token> " in line]
        assert lines, f"receiver on port {receiver.port} got no callback"
        assert all(f"Z {PROVIDER} POST" in line for line in lines), lines


def test_a_stopped_receiver_is_passed_over_without_an_error_to_the_provider(
    proxy: Proxy, receivers: list[Receiver], postgres_url: str, tmp_path: Path
) -> None:
    receivers[0].stop()
    ids = [f"one-left-{n}" for n in range(4)]
    with proxy.client(PROVIDER) as client:
        statuses = [client.post(proxy.url, data=receipt(i)).status_code for i in ids]

    assert statuses == [200] * len(ids)
    assert set(ids) <= logged(tmp_path / "console", postgres_url).keys()


def test_nginx_logs_each_callback_with_its_receiver_and_never_the_path_token(
    proxy: Proxy, receivers: list[Receiver]
) -> None:
    receivers[0].stop()
    with proxy.client(PROVIDER) as client:
        statuses = [client.post(proxy.url, data=receipt(f"logged-{n}")).status_code for n in (1, 2)]
    # nginx writes a request's line once its answer is sent: the client may be first.
    deadline = time.monotonic() + 10
    while proxy.logs().get("site-access.log", "").count("\n") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    logs = proxy.logs()

    assert statuses == [200, 200]
    assert [name for name, text in logs.items() if TOKEN in text] == []
    lines = logs["site-access.log"].splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{PROVIDER} [") for line in lines), lines
    assert all('"POST /callbacks/<token> HTTP/1.1" 200 ' in line for line in lines), lines
    # The stopped receiver was tried first and refused the connection, then the other took it.
    first, second = receivers[0].port, receivers[1].port
    assert f"upstream=127.0.0.1:{first}, 127.0.0.1:{second} status=502, 200 " in lines[0], lines


def test_an_address_outside_the_allowed_range_is_refused_even_with_a_forged_header(
    proxy: Proxy, postgres_url: str, tmp_path: Path
) -> None:
    with proxy.client(STRANGER) as client:
        plain = client.post(proxy.url, data=receipt("stranger-1"))
        forged = client.post(
            proxy.url, data=receipt("stranger-2"), headers={"X-Forwarded-For": PROVIDER}
        )

    assert (plain.status_code, forged.status_code) == (403, 403)
    assert not {"stranger-1", "stranger-2"} & logged(tmp_path / "console", postgres_url).keys()


def test_only_the_callback_path_is_passed_on_and_bodies_stay_within_the_receivers_limit(
    proxy: Proxy,
) -> None:
    with proxy.client(PROVIDER) as client:
        elsewhere = client.get(proxy.url.split("/callbacks/")[0] + "/status")
        # An MO with pictures may be large: nginx passes on what the receivers would take.
        large = client.post(proxy.url, content=b"x" * (4 * 1024 * 1024))
        too_big = client.post(proxy.url, content=b"x" * (8 * 1024 * 1024 + 1))

    assert elsewhere.status_code == 404
    # The receiver's own answer to what is not a callback.
    assert (large.status_code, large.text) == (
        400,
        "bad request: a field name is longer than 256 bytes\n",
    )
    assert too_big.status_code == 413
