#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal of a given width, as a user's terminal would.

Usage: pty_run.py COLUMNS OUTPUT COMMAND [ARG...]
stdin, stdout and stderr of COMMAND are all the terminal (of COLUMNS columns, 40 rows);
every byte it writes goes to OUTPUT as written (\\r, escape codes and all). Exits with
COMMAND's exit code.
"""
import fcntl
import os
import struct
import subprocess
import sys
import termios


def main() -> int:
    columns, output, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    # Raw: the terminal passes bytes as they are (no \n -> \r\n), so OUTPUT is what was written.
    attributes = termios.tcgetattr(slave)
    attributes[1] &= ~termios.OPOST
    termios.tcsetattr(slave, termios.TCSANOW, attributes)
    child = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    with open(output, "wb") as out:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal has closed it
                break
            if not data:
                break
            out.write(data)
    return child.wait()


if __name__ == "__main__":
    sys.exit(main())
