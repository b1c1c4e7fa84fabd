package policy

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// builder collects blocks within the limits and keeps Doc.Text and the
// offsets in step.
type builder struct {
	d      *Doc
	lim    Limits
	text   strings.Builder
	runes  int
	cut    bool
	buf    strings.Builder // the block being read
	cells  []string        // the row being read
	inCell bool
	item   bool // the block being read is a list item
}

func newBuilder(lim Limits) *builder { return &builder{d: &Doc{}, lim: lim} }

// write adds inline text to the current block.
func (b *builder) write(s string) {
	if b.cut {
		return
	}
	b.buf.WriteString(s)
	if b.buf.Len() > b.lim.MaxText {
		b.stop(fmt.Sprintf("a block longer than %d bytes was cut", b.lim.MaxText))
	}
}

// flush ends the current block as kind (a paragraph unless said).
func (b *builder) flush(kind BlockKind, level int) {
	s := collapse(b.buf.String())
	b.buf.Reset()
	if s == "" {
		return
	}
	if kind == Para && b.item {
		kind = Item
	}
	b.item = false
	b.add(Block{Kind: kind, Level: level, Text: s})
}

// cellEnd ends the current table cell.
func (b *builder) cellEnd() {
	b.cells = append(b.cells, collapse(b.buf.String()))
	b.buf.Reset()
	b.inCell = false
}

// rowEnd ends the current table row as a Row block.
func (b *builder) rowEnd() {
	if b.inCell {
		b.cellEnd()
	}
	cells := b.cells
	b.cells = nil
	empty := true
	for _, c := range cells {
		if c != "" {
			empty = false
		}
	}
	if empty {
		return
	}
	b.add(Block{Kind: Row, Text: strings.Join(cells, " | "), Cells: cells})
}

func (b *builder) add(bl Block) {
	if b.cut {
		return
	}
	if len(b.d.Blocks) >= b.lim.MaxBlocks {
		b.stop(fmt.Sprintf("more than %d blocks: the rest was not read", b.lim.MaxBlocks))
		return
	}
	if b.text.Len()+len(bl.Text)+1 > b.lim.MaxText {
		b.stop(fmt.Sprintf("more than %d bytes of text: the rest was not read", b.lim.MaxText))
		return
	}
	if b.text.Len() > 0 {
		b.text.WriteByte('\n')
		b.runes++
	}
	bl.Start = b.runes
	b.text.WriteString(bl.Text)
	b.runes += utf8.RuneCountInString(bl.Text)
	b.d.Blocks = append(b.d.Blocks, bl)
}

func (b *builder) stop(why string) {
	if !b.cut {
		b.cut = true
		b.d.Problems = append(b.d.Problems, why)
	}
}

func (b *builder) done() *Doc {
	b.d.Text = b.text.String()
	return b.d
}

// collapse trims s and turns every run of white space (and zero-width or
// non-breaking spaces) into one space; a space between two CJK characters,
// an artefact of line wrapping, is dropped.
func collapse(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	space := false
	var prev rune
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u00a0' || r == '\u3000' {
			space = out.Len() > 0
			continue
		}
		if unicode.IsControl(r) {
			continue
		}
		if space {
			if !(isCJK(prev) && isCJK(r)) {
				out.WriteByte(' ')
			}
			space = false
		}
		out.WriteRune(r)
		prev = r
	}
	return out.String()
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// preText adds preformatted text: each line ends a block when it ends a
// sentence or is blank, as in plain text.
func (b *builder) preText(s string) {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		switch {
		case t == "" && i < len(lines)-1:
			b.flush(Para, 0)
		case t != "":
			if b.buf.Len() > 0 && i > 0 {
				b.write(" ")
			}
			b.write(t)
			if i < len(lines)-1 && (endsBlock(t) || strings.Trim(t, "=-") == "") {
				b.flush(Para, 0)
			}
		}
	}
}
