#!/bin/sh
# Rebuilds the captures of this directory with real programs on the
# loopback interface: a Python HTTP server, openssl s_server, the mosquitto
# broker, and curl and mosquitto_pub as the "app", recorded by tcpdump.
# Needs (Debian): tcpdump tshark mosquitto mosquitto-clients curl openssl
# python3. Run as root (tcpdump). The values sent are those of ids.yaml and
# of the expectations in ../../capture_test.go.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

python3 server.py 18080 &
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=api.example.cn -keyout "$work/k.pem" -out "$work/c.pem" -days 1 2>/dev/null
openssl s_server -accept 18443 -cert "$work/c.pem" -key "$work/k.pem" -quiet -www >/dev/null 2>&1 &
mosquitto -p 11883 >/dev/null 2>&1 &
sleep 1
tcpdump -i lo -U -s 0 -w app.pcap 'tcp port 18080 or tcp port 18443 or tcp port 11883' 2>/dev/null &
dump=$!
sleep 1

H=http://127.0.0.1:18080
# 1. A third-party analytics SDK's start-up: IMEI and Android ID in the query.
curl -s -o /dev/null -H 'Host: alog.umeng.com' "$H/app_logs?imei=867530012345672&androidId=9a1b2c3d4e5f6071&appkey=5f2b"
# 2. The app's login: phone number and resident ID in a form.
curl -s -o /dev/null -H 'Host: api.example.cn' --data 'mobile=13812345678&idcard=110105199001011232&code=1234' "$H/v1/login"
# 3. Location and the Wi-Fi MAC in JSON, to a foreign host.
curl -s -o /dev/null -H 'Host: app-measurement.com' -H 'Content-Type: application/json' \
  --data '{"device":{"mac":"3c:28:6d:a1:b2:c3","os":"android 13"},"loc":{"lat":"39.908722","lng":"116.397499"}}' "$H/a"
# 4. A gzip-compressed body carrying the OAID, sent in chunks.
printf '{"oaid":"1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b","ts":1764489600}' | gzip -c > "$work/body.gz"
curl -s -o /dev/null -H 'Host: api.example.cn' -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' \
  -H 'Transfer-Encoding: chunked' --data-binary @"$work/body.gz" "$H/v1/report"
# 5. A face image uploaded as multipart form data.
printf '\377\330\377\340\000\020JFIF\000fake-jpeg-bytes' > "$work/face.jpg"
curl -s -o /dev/null -H 'Host: api.example.cn' -F 'face_image=@'"$work/face.jpg"';type=image/jpeg' -F 'uid=42' "$H/v1/face/verify"
# 6. Nothing personal: an order number that passes no check.
curl -s -o /dev/null -H 'Host: api.example.cn' "$H/v1/orders?order_id=202611301015021234&page=2"
# 7. TLS to the app's server: the name is in the ClientHello.
curl -s -o /dev/null -k --resolve api.example.cn:18443:127.0.0.1 https://api.example.cn:18443/ || true
# 8. An MQTT device client: its client id is the IMEI; it publishes the MAC.
mosquitto_pub -p 11883 -i 'dev-867530012345672' -u 'lock01' -P secret -t 'lock/status' -V mqttv311 \
  -m '{"mac":"3c:28:6d:a1:b2:c3","battery":87}'
mosquitto_pub -p 11883 -i 'dev5-867530012345672' -t 'lock/event' -V mqttv5 -m '{"event":"open"}'
sleep 1
kill $dump
wait $dump 2>/dev/null || true
editcap -F pcapng app.pcap app.pcapng
# The same traffic as nanosecond pcap in big-endian byte order is made by
# the tests from app.pcap (no Debian tool writes big-endian).
ls -l app.pcap app.pcapng
