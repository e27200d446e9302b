"""Exit 0 when HOST:PORT can be listened on, 1 (with the reason on stderr) when it cannot."""
import socket
import sys


def main(host: str, port: str) -> int:
    if not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
        print(f"PORT must be a number 1-65535, not {port!r}", file=sys.stderr)
        return 1
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            print(exc.strerror or exc, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
