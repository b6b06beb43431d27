"""What the test servers in tests/helpers share (standard library only)."""
import sys


def log(*a):
    """One line on stderr, at once."""
    print(*a, file=sys.stderr, flush=True)


def read_request(s):
    """The path of the HTTP request read whole from socket s (up to its
    blank line, at most 64 KiB), or None when there is none."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            return None
        buf += d
        if len(buf) > 65536:
            return None
    parts = buf.split(b"\r\n", 1)[0].decode("latin-1").split()
    return parts[1] if len(parts) >= 2 else None
