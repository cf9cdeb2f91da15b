"""Two one-trick servers for the CLI scenarios, each on a free 127.0.0.1 port written to PORT_FILE.

  fake_servers.py gss PORT_FILE          a PostgreSQL server that asks every client for
                                         GSSAPI (Kerberos) authentication
  fake_servers.py ldap PORT_FILE VALUE   an LDAP server that answers an anonymous bind and
                                         every search with one entry whose attribute holds VALUE
                                         (libpq's LDAP service lookup reads connection
                                         parameters from it)

Each serves clients one after another until it is killed.
"""
import os
import socket
import struct
import sys


def listen(port_file):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.getsockname()[1]))
    # Written whole, then renamed: the scenario waits for the file to appear.
    os.rename(port_file + ".tmp", port_file)
    return server


def read_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def serve_gss(conn):
    # StartupMessage: int32 length including itself, then the body.
    (length,) = struct.unpack("!i", read_exactly(conn, 4))
    read_exactly(conn, length - 4)
    conn.sendall(b"R" + struct.pack("!ii", 8, 7))  # AuthenticationGSS
    conn.recv(4096)  # the client's token or its goodbye


def ber(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def read_ber(conn):
    tag, first = read_exactly(conn, 2)
    length = first
    if first & 0x80:
        length = int.from_bytes(read_exactly(conn, first & 0x7F), "big")
    return tag, read_exactly(conn, length)


def ldap_success(tag):
    return ber(tag, ber(0x0A, b"\x00") + ber(0x04, b"") + ber(0x04, b""))


def serve_ldap(conn, value):
    while True:
        _, message = read_ber(conn)
        id_length = message[1]
        message_id = message[: 2 + id_length]  # the INTEGER, tag and length included
        operation = message[2 + id_length]
        reply = lambda op: conn.sendall(ber(0x30, message_id + op))
        if operation == 0x60:  # BindRequest
            reply(ldap_success(0x61))
        elif operation == 0x63:  # SearchRequest: one entry, then done
            attribute = ber(0x30, ber(0x04, b"description") + ber(0x31, ber(0x04, value.encode())))
            reply(ber(0x64, ber(0x04, b"cn=agentpg,dc=example") + ber(0x30, attribute)))
            reply(ldap_success(0x65))
        else:  # UnbindRequest or anything else
            return


def main():
    mode, port_file = sys.argv[1], sys.argv[2]
    server = listen(port_file)
    while True:
        conn, _ = server.accept()
        try:
            if mode == "gss":
                serve_gss(conn)
            else:
                serve_ldap(conn, sys.argv[3])
        except (EOFError, ConnectionError):
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    main()
