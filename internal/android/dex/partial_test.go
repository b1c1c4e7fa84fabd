package dex

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// A header that lies about the size of an id table: Parse refuses the
// file; ParsePartial reads what lies inside it, reports the cut, and
// gives the same classes and code as the honest file when the lie only
// adds entries past the real ones.
func TestParsePartialLyingHeader(t *testing.T) {
	data := readDex(t, "tc-debug.dex")
	full := mustParse(t, data)
	fullVisits, _ := walkAll(t, full)
	fullClasses, err := full.Classes()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		off   int
		value uint32
		want  string
	}{
		{"string count", 0x38, 0x3fffffff, "string_ids"},
		{"field count", 0x50, 1 << 20, "field_ids"},
		{"method count", 0x58, 0x20000000, "method_ids"},
		{"type count", 0x40, 0x10001, "type_ids_size"},
		{"proto count", 0x48, 0xffffffff, "proto_ids_size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := bytes.Clone(data)
			putU32(b, tc.off, tc.value)
			if f, err := Parse(b); f != nil || err == nil {
				t.Fatalf("Parse accepted the lie")
			}
			f, err := ParsePartial(b)
			var fe *FormatError
			if f == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParsePartial = %v, %v; want a File and a problem about %s", f, err, tc.want)
			}
			sz := f.Sizes()
			for _, n := range []uint32{sz.Strings, sz.Types, sz.Protos, sz.Fields, sz.Methods, sz.Classes} {
				if uint64(n)*4 > uint64(len(b)) {
					t.Fatalf("a table of %d entries kept from %d bytes", n, len(b))
				}
			}
			if sz.Types > 0x10000 || sz.Protos > 0x10000 {
				t.Fatalf("sizes %+v past the format's bounds", sz)
			}
			resolveAll(f)
			classes, _ := f.Classes()
			if len(classes) != len(fullClasses) {
				t.Fatalf("%d classes, want %d", len(classes), len(fullClasses))
			}
			for i := range classes {
				if classes[i].Class != fullClasses[i].Class {
					t.Fatalf("class %d: %q, want %q", i, classes[i].Class, fullClasses[i].Class)
				}
			}
			vs, _ := walkAll(t, f)
			if tc.name != "method count" {
				sameVisits(t, vs, fullVisits)
			}
		})
	}
	// A header that is itself broken is still refused.
	b := bytes.Clone(data)
	putU32(b, 0x24, 1<<30)
	if f, err := ParsePartial(b); f != nil || err == nil {
		t.Fatal("ParsePartial accepted a bad header_size")
	}
}

// A file cut anywhere past its header yields a File from ParsePartial,
// which walks at least what a strict parse of the same bytes walks.
func TestParsePartialTruncated(t *testing.T) {
	for _, name := range []string{"tc-debug.dex", "annotation.dex"} {
		data := readDex(t, name)
		var partial int
		for _, frac := range []int{2, 5, 10, 20, 30, 50, 70, 90, 99} {
			n := max(len(data)*frac/100, headerSize)
			cut := data[:n:n]
			f, err := ParsePartial(cut)
			if f == nil {
				t.Fatalf("%s[:%d]: ParsePartial returned no File: %v", name, n, err)
			}
			if !f.Truncated() {
				t.Errorf("%s[:%d]: Truncated() = false", name, n)
			}
			resolveAll(f)
			vs, _ := walkAll(t, f)
			if strict, err := Parse(cut); err == nil {
				sv, _ := walkAll(t, strict)
				sameVisits(t, vs, sv)
			} else {
				partial++
			}
		}
		if partial == 0 {
			t.Errorf("%s: no cut needed ParsePartial", name)
		}
	}
}
