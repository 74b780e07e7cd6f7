"""Free loopback ports for the servers a test starts.

A port is picked at random below the kernel's ephemeral range
(net.ipv4.ip_local_port_range) and checked free by binding it. Ports the
kernel hands out for bind(0) come from the ephemeral range, which is also
where every outgoing connection gets its local port: during a storm of
client connections (or another test run on the machine) such a port could
be taken again between this check and the server's own bind ("Address
already in use"). Ports below the range are never given out that way.
Run as a script, prints one port (scripts/lib/common.sh free_port)."""

import random
import socket

_LOWEST = 20000


def _ephemeral_start():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port():
    high = _ephemeral_start() - 1
    if high - _LOWEST < 1000:  # an unusual range: let the kernel pick
        return _kernel_port()
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randint(_LOWEST, high)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return _kernel_port()


def _kernel_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    print(free_port())
