"""A small DNS server for the device capture: it answers A queries for the
names below and refuses the rest."""
import socket
import struct
import sys

NAMES = {
    "mqtt.example-lock.cn": "1.0.1.1",
    "iot.example-lock.cn": "1.0.1.1",
    "face.example-ai.com": "8.8.4.4",
}

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((sys.argv[1], 53))
while True:
    q, peer = sock.recvfrom(512)
    tid, flags, qd = struct.unpack(">HHH", q[:6])
    pos, labels = 12, []
    while q[pos]:
        n = q[pos]
        labels.append(q[pos + 1:pos + 1 + n].decode())
        pos += 1 + n
    question = q[12:pos + 5]
    qtype = struct.unpack(">H", q[pos + 1:pos + 3])[0]
    name = ".".join(labels).lower()
    ip = NAMES.get(name)
    if ip and qtype == 1:
        answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(ip)
        head = struct.pack(">HHHHHH", tid, 0x8180, 1, 1, 0, 0)
    else:
        answer = b""
        head = struct.pack(">HHHHHH", tid, 0x8180 if ip else 0x8183, 1, 0, 0, 0)
    sock.sendto(head + question + answer, peer)
