"""What a client can hold: deadlines, refusals that hang up, per-address and total caps, TLS."""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from console.listener.config import parse_networks
from console.store.sqlite import SqliteStore
from tests.support.listener import TOKEN, running_listener
from tests.support.raw_http import RECEIPT, closed_within, connect, read_response, refused, request

HALF_REQUEST = b"POST /callbacks/" + TOKEN.encode() + b" HTTP/1.1\r\nHost: x\r\n"


@pytest.fixture
def sockets() -> Iterator[list[socket.socket]]:
    opened: list[socket.socket] = []
    yield opened
    for sock in opened:
        sock.close()


def test_a_stray_crlf_after_a_request_does_not_keep_the_connection_open(data_dir: Path) -> None:
    with running_listener(data_dir, request_timeout=1.0, keep_alive_timeout=0.5) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(request())
            assert read_response(sock)[0] == 200
            sock.sendall(b"\r\n")
            assert closed_within(sock, 4.0)


def test_bytes_that_never_begin_a_request_get_the_request_deadline(data_dir: Path) -> None:
    with running_listener(data_dir, request_timeout=1.5, keep_alive_timeout=1.0) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(request())
            assert read_response(sock)[0] == 200
            # Under the keep-alive timeout each time, but never a request.
            for _ in range(3):
                assert not closed_within(sock, 0.3)
                sock.sendall(b"\r\n")
            assert closed_within(sock, 3.0)


@pytest.mark.parametrize(
    ("method", "path", "allow", "status"),
    [
        ("POST", "/callbacks/guessed-token-guessed-token", (), 404),
        ("GET", None, (), 405),
        ("POST", None, ("203.0.113.0/24",), 403),
    ],
)
def test_a_refusal_hangs_up(
    data_dir: Path, method: str, path: str | None, allow: tuple[str, ...], status: int
) -> None:
    with running_listener(data_dir, allow=parse_networks(allow)) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(request(method=method, path=path) * 2)
            got, headers, _body = read_response(sock)
            assert (got, headers.get("connection")) == (status, "close")
            assert closed_within(sock, 2.0)  # the second request is not read


def test_one_address_is_capped_before_the_total_is_reached(
    data_dir: Path, sockets: list[socket.socket]
) -> None:
    with running_listener(data_dir, max_connections=100, max_connections_per_address=3) as guarded:
        assert guarded.port is not None
        for _ in range(3):
            sockets.append(connect(guarded.port, source="127.0.0.2"))
            sockets[-1].sendall(HALF_REQUEST)  # busy: in the middle of a request
        time.sleep(0.3)  # for the listener to read them
        with connect(guarded.port, source="127.0.0.2") as fourth:
            assert refused(fourth)
        # Others are not affected.
        with connect(guarded.port, source="127.0.0.3") as other:
            other.sendall(request())
            assert read_response(other)[0] == 200


def test_an_idle_connection_makes_room_for_a_new_one_from_its_address(
    data_dir: Path, sockets: list[socket.socket]
) -> None:
    with running_listener(data_dir, max_connections=100, max_connections_per_address=3) as guarded:
        assert guarded.port is not None
        for _ in range(3):
            sockets.append(connect(guarded.port, source="127.0.0.2"))  # silent
        with connect(guarded.port, source="127.0.0.2") as fresh:
            fresh.sendall(request())
            assert read_response(fresh)[0] == 200
        assert closed_within(sockets[0], 2.0)  # the oldest idle one made room
        assert not closed_within(sockets[2], 0.2)


def test_at_the_total_cap_idle_connections_make_room_and_busy_ones_do_not(
    data_dir: Path, sockets: list[socket.socket]
) -> None:
    with running_listener(data_dir, max_connections=4) as guarded:
        assert guarded.port is not None
        for i in range(4):
            sockets.append(connect(guarded.port, source=f"127.0.0.{10 + i}"))  # silent
        with connect(guarded.port) as sock:
            sock.sendall(request())
            assert read_response(sock)[0] == 200
        assert closed_within(sockets[0], 2.0)  # the oldest idle one made room
        for sock in sockets[1:]:
            sock.sendall(HALF_REQUEST)
        sockets.append(connect(guarded.port, source="127.0.1.10"))
        sockets[-1].sendall(HALF_REQUEST)
        time.sleep(0.3)  # for the listener to read them
        with connect(guarded.port) as late:
            assert refused(late)


def test_trusted_proxies_are_not_capped_per_address(
    data_dir: Path, sockets: list[socket.socket]
) -> None:
    with running_listener(
        data_dir,
        max_connections_per_address=2,
        trusted_proxies=parse_networks(["127.0.0.2/32"]),
    ) as behind_proxy:
        assert behind_proxy.port is not None
        for _ in range(4):
            sockets.append(connect(behind_proxy.port, source="127.0.0.2"))
            sockets[-1].sendall(HALF_REQUEST)
        with connect(behind_proxy.port, source="127.0.0.2") as relayed:
            relayed.sendall(request(headers=(("X-Forwarded-For", "203.0.113.9"),)))
            assert read_response(relayed)[0] == 200


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path, ssl.SSLContext]:
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    certificate.cert_chain_pems[0].write_to_path(str(cert_file))
    certificate.private_key_pem.write_to_path(str(key_file))
    context = ssl.create_default_context()
    authority.configure_trust(context)
    return cert_file, key_file, context


def test_a_tls_handshake_that_never_comes_is_cut_at_the_request_deadline(
    data_dir: Path, tls_files: tuple[Path, Path, ssl.SSLContext]
) -> None:
    cert_file, key_file, context = tls_files
    with running_listener(
        data_dir, tls_cert=cert_file, tls_key=key_file, request_timeout=1.0
    ) as secure:
        assert secure.port is not None
        with connect(secure.port) as silent:
            assert closed_within(silent, 4.0)
        with (
            connect(secure.port) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
        ):
            sock.sendall(request())
            assert read_response(sock)[0] == 200


def test_the_cap_counts_connections_still_in_their_tls_handshake(
    data_dir: Path, tls_files: tuple[Path, Path, ssl.SSLContext], sockets: list[socket.socket]
) -> None:
    cert_file, key_file, context = tls_files
    with running_listener(
        data_dir, tls_cert=cert_file, tls_key=key_file, max_connections=2, request_timeout=20.0
    ) as secure:
        assert secure.port is not None
        for i in range(2):
            sockets.append(connect(secure.port, source=f"127.0.0.{20 + i}"))
        with (
            connect(secure.port) as raw,
            context.wrap_socket(raw, server_hostname="127.0.0.1") as sock,
        ):
            sock.sendall(request())
            assert read_response(sock)[0] == 200
        # The handshake-less connections were counted: the oldest made room.
        assert closed_within(sockets[0], 2.0)


def test_refused_connections_are_in_the_access_log(data_dir: Path) -> None:
    with running_listener(data_dir, max_connections_per_address=1) as guarded:
        assert guarded.port is not None
        with connect(guarded.port, source="127.0.0.2") as busy:
            busy.sendall(HALF_REQUEST)
            time.sleep(0.3)  # for the listener to read it
            with connect(guarded.port, source="127.0.0.2") as second:
                assert refused(second)
    lines = (data_dir / "listener-access.log").read_text().splitlines()
    assert any("127.0.0.2" in line and " 503 " in line for line in lines)


def test_receipts_still_arrive_whole_through_every_guard(data_dir: Path) -> None:
    with running_listener(data_dir) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            sock.sendall(b"".join(request({**RECEIPT, "message_id": f"k-{i}"}) for i in range(20)))
            assert [read_response(sock)[0] for _ in range(20)] == [200] * 20
    with SqliteStore(data_dir / "messages.sqlite3") as store:
        assert len(store.orphan_receipts()) == 20


def test_a_connection_kept_busy_is_closed_after_an_answer_once_it_is_old(data_dir: Path) -> None:
    with running_listener(data_dir, request_timeout=1.0, keep_alive_timeout=5.0) as listener:
        assert listener.port is not None
        with connect(listener.port) as sock:
            started = time.monotonic()
            for number in range(40):
                sock.sendall(request({**RECEIPT, "message_id": f"busy-{number}"}))
                status, headers, _body = read_response(sock)
                assert status == 200
                if headers.get("connection") == "close":
                    break
                time.sleep(0.1)
            lived = time.monotonic() - started
            assert headers.get("connection") == "close"
            assert closed_within(sock, 2.0)
    assert 1.0 < lived < 2.5  # its age past the deadline, then its next answer
