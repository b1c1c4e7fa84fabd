package dex

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "regenerate testdata/*.dexdump.gz with dexdump -d")

// goldenFiles are DEX files with the output of Debian's dexdump -d committed
// beside them, filtered to the lines this package's results are checked
// against (see filterDexdump).
var goldenFiles = []string{"tc-debug", "testactivity", "annotation", "modern", "flow"}

var (
	reClassDesc = regexp.MustCompile(`^  Class descriptor  : '(.*)'$`)
	reClassInfo = regexp.MustCompile(`^  (?:Access flags      : 0x([0-9a-f]+) |Superclass        : '(.*)'$|source_file_idx   : (-?\d+) \((.*)\)$)`)
	reInterface = regexp.MustCompile(`^    #\d+ +: '(.*)'$`)
	reMethodHdr = regexp.MustCompile(`^([0-9a-f]{6}): +\|\[([0-9a-f]{6})\] (.*)$`)
	reInsnStart = regexp.MustCompile(`^([0-9a-f]{6}): ([0-9a-f]{2})[0-9a-f. ]*\|[0-9a-f]{4}: (invoke-|[si]get|sput|const-string|const-class|new-instance|const-method)`)
	reInsnEnd   = regexp.MustCompile(`(?: // |, )(method|field|string|type|call_site|method_handle|proto)@[0-9a-f]+(?:, proto@[0-9a-f]+)?$`)
	reInsn      = regexp.MustCompile(`(?s)^([0-9a-f]{6}): ([0-9a-f]{2})[0-9a-f. ]*\|[0-9a-f]{4}: ([a-z0-9/-]+) (.*?)(?: // |, )(method|field|string|type|call_site|method_handle|proto)@([0-9a-f]+)(?:, proto@[0-9a-f]+)?$`)
)

// filterDexdump keeps the class descriptors, the method headers and the
// instructions Walk reports from dexdump -d output. A const-string whose
// value spans several lines keeps all of them.
func filterDexdump(out []byte) []byte {
	var b bytes.Buffer
	cont := false
	for _, line := range strings.SplitAfter(string(out), "\n") {
		l := strings.TrimSuffix(line, "\n")
		switch {
		case cont:
			b.WriteString(line)
		case reClassDesc.MatchString(l), reClassInfo.MatchString(l), reInterface.MatchString(l), reMethodHdr.MatchString(l):
			b.WriteString(line)
			continue
		case reInsnStart.MatchString(l):
			b.WriteString(line)
		default:
			continue
		}
		cont = !reInsnEnd.MatchString(l)
	}
	return b.Bytes()
}

type golden struct {
	classes []ClassDef
	// refs is the multiset of "method" and "insn" records; see recordKey.
	refs map[string]int
	// names maps "kind@idx" to the text dexdump printed for it.
	names map[string]string
}

func readGolden(t *testing.T, name string) *golden {
	t.Helper()
	path := "testdata/" + name + ".dexdump.gz"
	if *update {
		out, err := exec.Command("dexdump", "-d", "testdata/"+name+".dex").Output()
		if err != nil {
			t.Fatalf("dexdump: %v", err)
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(filterDexdump(out))
		zw.Close()
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	g := &golden{refs: map[string]int{}, names: map[string]string{}}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	var codeOff uint64
	var caller string
	var pending string // an instruction line whose string continues
	for sc.Scan() {
		l := sc.Text()
		if pending != "" {
			l = pending + "\n" + l
			pending = ""
		}
		if m := reClassDesc.FindStringSubmatch(l); m != nil {
			g.classes = append(g.classes, ClassDef{Index: len(g.classes), Class: m[1]})
			continue
		}
		if len(g.classes) > 0 {
			c := &g.classes[len(g.classes)-1]
			if m := reClassInfo.FindStringSubmatch(l); m != nil {
				switch {
				case m[1] != "":
					v, _ := strconv.ParseUint(m[1], 16, 32)
					c.AccessFlags = uint32(v)
				case m[3] != "":
					if m[3] != "-1" {
						c.SourceFile = m[4]
					}
				default:
					c.Super = m[2]
				}
				continue
			}
			if m := reInterface.FindStringSubmatch(l); m != nil {
				c.Interfaces = append(c.Interfaces, m[1])
				continue
			}
		}
		if m := reMethodHdr.FindStringSubmatch(l); m != nil {
			codeOff, _ = strconv.ParseUint(m[2], 16, 32)
			caller = m[3]
			g.refs[methodKey(uint32(codeOff), caller)]++
			continue
		}
		m := reInsn.FindStringSubmatch(l)
		if m == nil {
			if reInsnStart.MatchString(l) {
				pending = l
				continue
			}
			t.Fatalf("%s: unexpected line %q", path, l)
		}
		off, _ := strconv.ParseUint(m[1], 16, 32)
		opcode, _ := strconv.ParseUint(m[2], 16, 8)
		mnemonic, operands, kind := m[3], m[4], m[5]
		idx, _ := strconv.ParseUint(m[6], 16, 32)
		op := opFromMnemonic(mnemonic)
		if op == OpNone || indexKind(op) != kind {
			t.Fatalf("%s: %s with %s index: %q", path, mnemonic, kind, l)
		}
		g.refs[insnKey(uint32(codeOff), caller, Insn{Op: op, Opcode: uint8(opcode), Index: uint32(idx), Offset: uint32(off)})]++
		if ref, ok := refText(mnemonic, operands); ok {
			g.names[fmt.Sprintf("%s@%d", kind, idx)] = ref
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if pending != "" {
		t.Fatalf("%s: unterminated instruction %q", path, pending)
	}
	return g
}

func opFromMnemonic(s string) Op {
	switch {
	case strings.HasPrefix(s, "invoke-custom"):
		return OpInvokeCustom
	case strings.HasPrefix(s, "invoke-"):
		return OpInvoke
	case strings.HasPrefix(s, "sget"):
		return OpStaticGet
	case strings.HasPrefix(s, "iget"):
		return OpInstanceGet
	case strings.HasPrefix(s, "sput"):
		return OpStaticPut
	case strings.HasPrefix(s, "const-string"):
		return OpConstString
	case s == "const-class":
		return OpConstClass
	case s == "new-instance":
		return OpNewInstance
	case s == "const-method-handle":
		return OpConstMethodHandle
	case s == "const-method-type":
		return OpConstMethodType
	}
	return OpNone
}

// indexKind is the name dexdump gives the index an instruction of kind op
// carries.
func indexKind(op Op) string {
	switch op {
	case OpInvoke:
		return "method"
	case OpInvokeCustom:
		return "call_site"
	case OpStaticGet, OpInstanceGet, OpStaticPut:
		return "field"
	case OpConstString:
		return "string"
	case OpConstClass, OpNewInstance:
		return "type"
	case OpConstMethodHandle:
		return "method_handle"
	case OpConstMethodType:
		return "proto"
	}
	return ""
}

// refText extracts the resolved reference dexdump prints in operands.
func refText(mnemonic, operands string) (string, bool) {
	switch {
	case strings.HasPrefix(mnemonic, "invoke-custom"), mnemonic == "const-method-handle":
		return "", false
	case strings.HasPrefix(mnemonic, "invoke-polymorphic"):
		// "{v7, v2}, LC;.m:(…)…, (I)V": method, then the call's proto.
		_, rest, _ := strings.Cut(operands, "}, ")
		i := strings.LastIndex(rest, ", ")
		return rest[:i], i >= 0
	case strings.HasPrefix(mnemonic, "invoke-"):
		_, rest, ok := strings.Cut(operands, "}, ")
		return rest, ok
	case strings.HasPrefix(mnemonic, "const-string"):
		_, rest, ok := strings.Cut(operands, ", ")
		if !ok || len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' {
			return "", false
		}
		return rest[1 : len(rest)-1], true
	default:
		i := strings.LastIndex(operands, ", ")
		return operands[i+2:], i >= 0
	}
}

func methodKey(codeOff uint32, caller string) string {
	return fmt.Sprintf("method %06x %s", codeOff, caller)
}

func insnKey(codeOff uint32, caller string, in Insn) string {
	return fmt.Sprintf("insn %06x %s | %06x %02x %s %d", codeOff, caller, in.Offset, in.Opcode, in.Op, in.Index)
}

// dottedName renders a method the way dexdump names the method it
// disassembles: "pkg.Class.name:(args)ret".
func dottedName(m MethodRef) string {
	c := strings.TrimSuffix(strings.TrimPrefix(m.Class, "L"), ";")
	return strings.ReplaceAll(c, "/", ".") + "." + m.Name + ":" + m.Proto
}

func readDex(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestGoldenDexdump checks, for whole files, that the classes, the methods
// with code, and the multiset of (method, instruction offset, opcode, kind,
// index) Walk reports equal what dexdump -d disassembles, and that every
// index Walk reports resolves to the name dexdump prints for it.
func TestGoldenDexdump(t *testing.T) {
	for _, name := range goldenFiles {
		t.Run(name, func(t *testing.T) {
			g := readGolden(t, name)
			f, err := Parse(readDex(t, name+".dex"))
			if err != nil {
				t.Fatal(err)
			}
			classes, err := f.Classes()
			if err != nil {
				t.Fatal(err)
			}
			if len(classes) != len(g.classes) {
				t.Fatalf("Classes: %d, dexdump: %d", len(classes), len(g.classes))
			}
			for i, c := range classes {
				w := g.classes[i]
				if c.Class != w.Class || c.Index != i || c.Super != w.Super || c.AccessFlags != w.AccessFlags ||
					c.SourceFile != w.SourceFile || !slices.Equal(c.Interfaces, w.Interfaces) {
					t.Fatalf("class %d:\n%+v\ndexdump:\n%+v", i, c, w)
				}
			}

			got := map[string]int{}
			err = f.Walk(func(m Code, insns []Insn) error {
				ref, err := f.Method(m.MethodIdx)
				if err != nil {
					return err
				}
				caller := dottedName(ref)
				got[methodKey(m.CodeOff, caller)]++
				for _, in := range insns {
					if in.Op == OpConst {
						// The stored listings keep only instructions
						// with an index; literals are checked apart.
						continue
					}
					got[insnKey(m.CodeOff, caller, in)]++
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Walk: %v", err)
			}
			compareMultisets(t, got, g.refs)

			// Every reference dexdump resolved resolves to the same text.
			checked := map[string]int{}
			for key, want := range g.names {
				kind, n, _ := strings.Cut(key, "@")
				idx64, _ := strconv.ParseUint(n, 10, 32)
				idx := uint32(idx64)
				var have string
				switch kind {
				case "method":
					m, err := f.Method(idx)
					if err != nil {
						t.Fatalf("Method(%d): %v", idx, err)
					}
					have = m.Class + "." + m.Name + ":" + m.Proto
				case "field":
					r, err := f.Field(idx)
					if err != nil {
						t.Fatalf("Field(%d): %v", idx, err)
					}
					have = r.Class + "." + r.Name + ":" + r.Type
				case "type":
					have, err = f.Type(idx)
				case "proto":
					have, err = f.Proto(idx)
				case "string":
					// dexdump prints the raw Modified UTF-8 bytes; they
					// equal the decoded text unless the string holds NUL
					// or characters outside the Basic Multilingual Plane.
					if !utf8.ValidString(want) || strings.ContainsRune(want, 0) {
						continue
					}
					have, err = f.String(idx)
				}
				if err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				if have != want {
					t.Errorf("%s: %q, dexdump %q", key, have, want)
				}
				checked[kind]++
			}
			t.Logf("%d classes, %d records, resolved %v", len(classes), len(got), checked)
		})
	}
}

func compareMultisets(t *testing.T, got, want map[string]int) {
	t.Helper()
	var missing, extra []string
	for k, n := range want {
		if got[k] < n {
			missing = append(missing, fmt.Sprintf("%s (x%d)", k, n-got[k]))
		}
	}
	for k, n := range got {
		if want[k] < n {
			extra = append(extra, fmt.Sprintf("%s (x%d)", k, n-want[k]))
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	const show = 10
	if len(missing) > 0 {
		t.Errorf("%d records in dexdump output missing from Walk, e.g.:\n%s", len(missing), strings.Join(missing[:min(show, len(missing))], "\n"))
	}
	if len(extra) > 0 {
		t.Errorf("%d records from Walk not in dexdump output, e.g.:\n%s", len(extra), strings.Join(extra[:min(show, len(extra))], "\n"))
	}
}

// Walk reports const and const/high16 literals: the forms that load
// resource ids (here R.layout.main, 0x7f030000, as dexdump -d prints
// "const/high16 v0, #int 2130903040" at 0x000996 in TCActivity.onCreate).
func TestWalkReportsConstLiterals(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "tc-debug.dex"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	err = f.Walk(func(m Code, insns []Insn) error {
		for _, in := range insns {
			if in.Op == OpConst && in.Offset == 0x996 && in.Opcode == 0x15 && in.Index == 0x7f030000 {
				found = true
			}
		}
		return nil
	})
	if err != nil || !found {
		t.Fatalf("const/high16 0x7f030000 at 0x996 not reported (%v)", err)
	}
}
