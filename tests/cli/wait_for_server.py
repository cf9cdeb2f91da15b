"""A PostgreSQL server that comes up late, for the --wait scenario.

  wait_for_server.py late PORT DELAY SOCKET       listens on 127.0.0.1:PORT only after DELAY
                                                  seconds, then forwards every client to the
                                                  unix socket SOCKET (the test cluster)
  wait_for_server.py starting PORT DELAY SOCKET   listens at once, answers every client with
                                                  "the database system is starting up"
                                                  (SQLSTATE 57P03) for DELAY seconds, then
                                                  forwards as above

Runs until it is killed.
"""
import socket
import struct
import sys
import threading
import time

from fake_servers import read_exactly  # the same folder


def answer_starting_up(conn):
    # SSLRequest / GSSENCRequest first (refused with 'N'), then the StartupMessage.
    while True:
        length = struct.unpack("!I", read_exactly(conn, 4))[0]
        body = read_exactly(conn, length - 4)
        code = struct.unpack("!I", body[:4])[0]
        if code in (80877103, 80877104):
            conn.sendall(b"N")
            continue
        break
    fields = b"SFATAL\0VFATAL\0C57P03\0Mthe database system is starting up\0\0"
    conn.sendall(b"E" + struct.pack("!I", len(fields) + 4) + fields)


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def forward(conn, socket_path):
    upstream = socket.socket(socket.AF_UNIX)
    upstream.connect(socket_path)
    threading.Thread(target=pump, args=(conn, upstream), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, conn), daemon=True).start()


def main():
    mode, port, delay, socket_path = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    ready_at = time.monotonic() + delay
    if mode == "late":
        time.sleep(delay)
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    while True:
        conn, _ = server.accept()
        if time.monotonic() < ready_at:
            try:
                answer_starting_up(conn)
            except (EOFError, OSError):
                pass
            conn.close()
            continue
        forward(conn, socket_path)


if __name__ == "__main__":
    main()
