#!/bin/sh
# Rebuilds sll.pcap, sll2.pcap and multi.pcapng: one curl request (an IMEI
# and a location in its query) to server.py, recorded as Linux cooked
# captures v1 (tcpdump -i any -y LINUX_SLL) and v2 (tcpdump -i any), and by
# dumpcap on two interfaces at once (lo and any: every packet twice), with
# a packet comment added by editcap. Needs (Debian): tcpdump tshark curl
# python3; run as root. The tests expect the request in packet 4.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
python3 server.py 18081 &
sleep 1
dumpcap -q -i lo -i any -f 'tcp port 18081' -w "$work/two.pcapng" -a duration:4 2>/dev/null &
tcpdump -i any -U -w sll2.pcap 'tcp port 18081' 2>/dev/null &
t2=$!
tcpdump -i any -y LINUX_SLL -U -w sll.pcap 'tcp port 18081' 2>/dev/null &
t1=$!
sleep 1.5
curl -s -o /dev/null -H 'Host: t.example.cn' "http://127.0.0.1:18081/v?imei=867530012345672&lat=39.908722&lng=116.397499"
sleep 3
kill $t1 $t2
wait $t1 $t2 2>/dev/null || true
editcap -a '4:the user tapped Agree here' "$work/two.pcapng" multi.pcapng
ls -l sll.pcap sll2.pcap multi.pcapng
