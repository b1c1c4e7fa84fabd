#!/bin/sh
# Rebuilds device.pcap: a "smart lock" in its own network namespace
# (192.168.1.23) behind a "router" namespace that plays its home network
# and the internet: a DNS server (dns.py), an HTTP server (server.py) and
# the mosquitto broker answer on 1.0.1.1 (an address registered in China)
# and 8.8.4.4 (registered in the United States). tcpdump records on the
# router's side of the link. The lock resolves names through glibc, sends
# MQTT heartbeats every two seconds, uploads a camera picture to a face
# service abroad and an audio clip at home.
# Needs (Debian): iproute2 tcpdump mosquitto mosquitto-clients curl python3;
# run as root.
set -eu
cd "$(dirname "$0")"
here=$(pwd)
ip netns add hg-router
ip netns add hg-lock
cleanup() {
	ip netns pids hg-router 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns pids hg-lock 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del hg-lock 2>/dev/null || true
	ip netns del hg-router 2>/dev/null || true
	rm -rf /etc/netns/hg-lock
}
trap cleanup EXIT
ip link add lan0 netns hg-router type veth peer name eth0 netns hg-lock
R="ip netns exec hg-router"
L="ip netns exec hg-lock"
$R ip link set lo up
$R ip link set lan0 up
$R ip addr add 192.168.1.1/24 dev lan0
$R ip addr add 1.0.1.1/32 dev lo
$R ip addr add 8.8.4.4/32 dev lo
$L ip link set lo up
$L ip link set eth0 up
$L ip addr add 192.168.1.23/24 dev eth0
$L ip route add default via 192.168.1.1
mkdir -p /etc/netns/hg-lock
echo "nameserver 192.168.1.1" > /etc/netns/hg-lock/resolv.conf
printf 'hosts: files dns\n' > /etc/netns/hg-lock/nsswitch.conf

$R python3 "$here/dns.py" 192.168.1.1 &
$R python3 "$here/server.py" 80 0.0.0.0 &
printf 'listener 1883 0.0.0.0\nallow_anonymous true\n' > /tmp/hg-mosquitto.conf
$R mosquitto -c /tmp/hg-mosquitto.conf >/dev/null 2>&1 &
sleep 1
$R tcpdump -i lan0 -U -s 0 -w "$here/device.pcap" 'not arp and not icmp6' 2>/dev/null &
sleep 1

# Heartbeats: a new MQTT connection every two seconds, with the lock's
# Wi-Fi MAC and serial number.
for i in 1 2 3 4 5 6 7 8; do
	$L mosquitto_pub -h mqtt.example-lock.cn -p 1883 -i lock-SN88A1 -t lock/SN88A1/heartbeat -V mqttv311 \
		-m "{\"mac\":\"3c:28:6d:a1:b2:c3\",\"sn\":\"SN88A1X2024\",\"seq\":$i}"
	sleep 2
done
# A camera picture to a face service abroad (the field says "image").
printf '\377\330\377\340\000\020JFIF\000a-door-camera-frame' > /tmp/hg-frame.jpg
$L curl -s -o /dev/null -F 'image=@/tmp/hg-frame.jpg;type=image/jpeg' -F 'device=SN88A1' http://face.example-ai.com/api/v1/compare
# A voice clip (AMR) to the maker's cloud at home.
printf '#!AMR\n\074\110\365\037\226\146\171\341\340\036\347\340' > /tmp/hg-clip.amr
$L curl -s -o /dev/null -H 'Content-Type: audio/amr' --data-binary @/tmp/hg-clip.amr http://iot.example-lock.cn/voice/upload
sleep 1
$R pkill -f "tcpdump -i lan0" || true
sleep 1
ls -l device.pcap
