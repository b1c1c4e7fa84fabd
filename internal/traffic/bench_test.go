package traffic

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkReadCapture reads the app capture (HTTP with PI, TLS, MQTT)
// with every detector on and the device's identifiers given.
func BenchmarkReadCapture(b *testing.B) {
	pcap := read(b, "captures/app.pcap")
	d := detectors(b)
	d.SetDeviceIDs(DeviceIDs{"device_id_imei": {"867530012345672"}, "mac_address": {"3c:28:6d:a1:b2:c3"}})
	b.SetBytes(int64(len(pcap)))
	for b.Loop() {
		c := newCollector(d, false)
		if _, _, err := readCapture(context.Background(), bytes.NewReader(pcap), c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDetectors runs the field and device-identifier detectors over
// one JSON body.
func BenchmarkDetectors(b *testing.B) {
	d := detectors(b)
	d.SetDeviceIDs(DeviceIDs{"device_id_imei": {"867530012345672"}, "oaid": {"1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b"}})
	body := []byte(`{"device":{"mac":"3c:28:6d:a1:b2:c3","os":"android 13","imei":"867530012345672"},"loc":{"lat":"39.908722","lng":"116.397499"},"events":[{"id":1,"t":1764489600},{"id":2,"t":1764489601}]}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var f Fields
		f.body("application/json", body)
		var hits []Hit
		for _, p := range f.Pairs {
			hits = d.field(p[0], p[1], hits)
		}
		d.knownIDs(body, hits)
	}
}
