package report

import (
	"io"
	"strings"
	"unicode/utf8"
)

// grid lays out rows of cells in columns padded to their display width: a
// CJK character takes two terminal cells, so counting runes (as
// text/tabwriter does) misaligns Chinese tables.
type grid struct {
	out  io.Writer
	rows [][]string
}

// row adds a row of cells.
func (g *grid) row(cells ...string) {
	for i, c := range cells {
		// Widths are measured on what the terminal will show.
		cells[i] = escapeCell(c)
	}
	g.rows = append(g.rows, cells)
}

// flush writes the rows, columns separated by two spaces, trailing
// padding trimmed.
func (g *grid) flush(indent string) error {
	var widths []int
	for _, r := range g.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range g.rows {
		var line strings.Builder
		line.WriteString(indent)
		for j, c := range r {
			line.WriteString(c)
			if j < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[j]-displayWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	g.rows = nil
	_, err := io.WriteString(g.out, b.String())
	return err
}

// displayWidth is the number of terminal cells s takes: two for East Asian
// wide and fullwidth characters, one for others.
func displayWidth(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case r >= 0x1100 && r <= 0x115f, // Hangul Jamo
		r >= 0x2e80 && r <= 0x303e, // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33ff, // kana, CJK symbols
		r >= 0x3400 && r <= 0x4dbf, // CJK extension A
		r >= 0x4e00 && r <= 0x9fff, // CJK unified ideographs
		r >= 0xa000 && r <= 0xa4cf, // Yi
		r >= 0xac00 && r <= 0xd7a3, // Hangul syllables
		r >= 0xf900 && r <= 0xfaff, // CJK compatibility ideographs
		r >= 0xfe30 && r <= 0xfe4f, // CJK compatibility forms
		r >= 0xff00 && r <= 0xff60, // fullwidth forms
		r >= 0xffe0 && r <= 0xffe6,
		r >= 0x20000 && r <= 0x3fffd:
		return 2
	}
	return 1
}
