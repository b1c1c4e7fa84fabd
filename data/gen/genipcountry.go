//go:build ignore

// Command genipcountry builds data/network/ipcountry.bin.gz, the IP
// address → country table hegui embeds, from the CSV files of the npm
// package @ip-location-db/geo-whois-asn-country (sapics/ip-location-db;
// package CC0-1.0; the WHOIS data inside is CC BY 4.0 by the Number
// Resource Organization, nro.net, which must be credited).
//
// Usage (from the repository root; scripts/update-ipcountry.sh runs it):
//
//	go run data/gen/genipcountry.go -csv DIR -version 2.3.2026061719 -sha256 HASH
//
// DIR holds geo-whois-asn-country-ipv4.csv and -ipv6.csv (start,end,CC).
// Adjacent ranges of one country are merged; gaps become "no country".
// IPv6 ranges are kept to /64 precision. The output is deterministic.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

type span struct {
	start, end uint64
	cc         string
}

func main() {
	dir := flag.String("csv", "", "directory of the unpacked npm package")
	version := flag.String("version", "", "the package version")
	sum := flag.String("sha256", "", "SHA-256 of the package tarball")
	out := flag.String("out", "data/network/ipcountry.bin.gz", "output file")
	clouds := flag.String("clouds", "", "with -csv the @ip-location-db/asn package: write the cloud ranges of this clouds.yaml instead")
	flag.Parse()
	if *dir == "" || *version == "" || *sum == "" {
		log.Fatal("-csv, -version and -sha256 are required")
	}
	if *clouds != "" {
		writeClouds(*dir, *clouds, *version, *sum, *out)
		return
	}
	v4 := read(filepath.Join(*dir, "geo-whois-asn-country-ipv4.csv"), false)
	v6 := read(filepath.Join(*dir, "geo-whois-asn-country-ipv6.csv"), true)
	ccs := map[string]bool{}
	for _, s := range append(slices.Clone(v4), v6...) {
		ccs[s.cc] = true
	}
	var codes []string
	for c := range ccs {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	if len(codes) > 254 {
		log.Fatalf("%d countries: more than a byte holds", len(codes))
	}
	idx := map[string]byte{}
	for i, c := range codes {
		idx[c] = byte(i)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "hegui-ipcountry 1\n@ip-location-db/geo-whois-asn-country %s sha256:%s\n%s\n", *version, *sum, strings.Join(codes, ","))
	for _, part := range [][]span{v4, v6} {
		log.Printf("%d ranges", writeRuns(&b, merge(part), idx))
	}
	writeGzip(b.Bytes(), *out)
}

func writeGzip(b []byte, out string) {
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	if err := os.WriteFile(out, z.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d bytes written to %s", z.Len(), out)
}

// writeClouds writes the ranges of the clouds' ASNs (start,end,asn,org
// lines of asn-ipv4.csv and asn-ipv6.csv): a header naming each cloud
// ("id|name|zh|country"), then runs as in the country table.
func writeClouds(dir, file, version, sum, out string) {
	raw, err := os.ReadFile(file)
	if err != nil {
		log.Fatal(err)
	}
	var cf struct {
		Clouds []struct {
			ID, Name, Zh, Country string
			ASNs                  []int `yaml:"asns"`
		} `yaml:"clouds"`
	}
	if err := yaml.Unmarshal(raw, &cf); err != nil {
		log.Fatal(err)
	}
	byASN := map[string]string{}
	var ids []string
	for _, c := range cf.Clouds {
		ids = append(ids, strings.Join([]string{c.ID, c.Name, c.Zh, c.Country}, "|"))
		for _, a := range c.ASNs {
			byASN[fmt.Sprint(a)] = c.ID
		}
	}
	idx := map[string]byte{}
	for i, c := range cf.Clouds {
		idx[c.ID] = byte(i)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "hegui-ipcloud 1\n@ip-location-db/asn %s sha256:%s\n%s\n", version, sum, strings.Join(ids, ","))
	for _, f := range []string{"asn-ipv4.csv", "asn-ipv6.csv"} {
		var spans []span
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			log.Fatal(err)
		}
		r := csv.NewReader(fh)
		r.FieldsPerRecord = 4
		for {
			rec, err := r.Read()
			if err != nil {
				break
			}
			id, ok := byASN[rec[2]]
			if !ok {
				continue
			}
			a, err1 := netip.ParseAddr(rec[0])
			z, err2 := netip.ParseAddr(rec[1])
			if err1 != nil || err2 != nil {
				log.Fatalf("%s: %v", f, rec)
			}
			spans = append(spans, span{key(a), key(z), id})
		}
		fh.Close()
		sortSpans(spans)
		log.Printf("%s: %d runs", f, writeRuns(&b, merge(spans), idx))
	}
	writeGzip(b.Bytes(), out)
}

// read reads start,end,CC lines; IPv6 addresses keep their top 64 bits.
func read(file string, v6 bool) []span {
	f, err := os.Open(file)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	var out []span
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(sc.Text(), ",")
		if len(parts) != 3 {
			log.Fatalf("%s: %q", file, sc.Text())
		}
		a, err1 := netip.ParseAddr(parts[0])
		z, err2 := netip.ParseAddr(parts[1])
		if err1 != nil || err2 != nil || a.Is6() != v6 {
			log.Fatalf("%s: %q", file, sc.Text())
		}
		out = append(out, span{key(a), key(z), strings.ToLower(parts[2])})
	}
	sortSpans(out)
	return out
}

func sortSpans(s []span) {
	slices.SortFunc(s, func(x, y span) int { return cmp.Compare(x.start, y.start) })
}

// writeRuns writes a run count, then each run as the uvarint gap from the
// previous start and its code's index (0xff: none); it returns the count.
func writeRuns(b *bytes.Buffer, table []span, idx map[string]byte) int {
	var n [binary.MaxVarintLen64]byte
	b.Write(n[:binary.PutUvarint(n[:], uint64(len(table)))])
	prev := uint64(0)
	for _, s := range table {
		b.Write(n[:binary.PutUvarint(n[:], s.start-prev)])
		prev = s.start
		if s.cc == "" {
			b.WriteByte(0xff)
		} else {
			b.WriteByte(idx[s.cc])
		}
	}
	return len(table)
}

func key(a netip.Addr) uint64 {
	if a.Is4() {
		b := a.As4()
		return uint64(binary.BigEndian.Uint32(b[:]))
	}
	b := a.As16()
	return binary.BigEndian.Uint64(b[:8])
}

// merge returns the starts of runs of one country, with gaps as "".
func merge(in []span) []span {
	var out []span
	next := uint64(0)
	for _, s := range in {
		if s.start < next {
			continue // overlaps what is placed (a /64 shared by two ranges)
		}
		if s.start > next {
			out = appendRun(out, span{start: next})
		}
		out = appendRun(out, span{start: s.start, cc: s.cc})
		next = s.end + 1
		if next == 0 {
			return out // the end of the space
		}
	}
	return appendRun(out, span{start: next})
}

func appendRun(out []span, s span) []span {
	if n := len(out); n > 0 && out[n-1].cc == s.cc {
		return out
	}
	return append(out, s)
}
