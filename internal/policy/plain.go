package policy

import (
	"strings"
)

// readPlain reads plain text or Markdown: one block per paragraph (lines
// joined until a blank line, a heading, a list item or a table row), with
// Markdown headings (#), list items (-, *, 1.) and table rows (| a | b |)
// kept as such.
func readPlain(s string, markdown bool, lim Limits) *Doc {
	b := newBuilder(lim)
	for line := range strings.Lines(s) {
		if b.cut {
			break
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			b.flush(Para, 0)
		case markdown && strings.HasPrefix(t, "#"):
			b.flush(Para, 0)
			level := len(t) - len(strings.TrimLeft(t, "#"))
			b.write(strings.TrimLeft(t, "# "))
			b.flush(Heading, min(level, 6))
		case strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") && len(t) > 1:
			b.flush(Para, 0)
			cells := strings.Split(strings.Trim(t, "|"), "|")
			if isRule(cells) {
				continue // the |---|---| line under a Markdown header
			}
			for _, c := range cells {
				b.write(c)
				b.cellEnd()
			}
			b.rowEnd()
		case isBullet(t):
			b.flush(Para, 0)
			b.item = true
			b.write(strings.TrimLeft(t, "-*•·+ "))
		default:
			if b.buf.Len() > 0 {
				b.write(" ")
			}
			b.write(t)
			// A line that ends a sentence, or a numbered title, ends the
			// block; other lines are wrapped text and join the next.
			if endsBlock(t) {
				b.flush(Para, 0)
			}
		}
	}
	b.flush(Para, 0)
	d := b.done()
	d.Format = "text"
	if markdown {
		d.Format = "markdown"
	}
	return d
}

func isBullet(t string) bool {
	for _, p := range []string{"- ", "* ", "• ", "· ", "+ "} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

func isRule(cells []string) bool {
	for _, c := range cells {
		if strings.Trim(strings.TrimSpace(c), "-:") != "" {
			return false
		}
	}
	return true
}

// endsBlock tells whether a line of plain text ends its paragraph: it ends
// with a sentence's or a lead-in's punctuation, or is a numbered title.
func endsBlock(t string) bool {
	for _, p := range []string{"。", "！", "？", "；", "：", ":", ".", "!", "?", ";", "）", ")"} {
		if strings.HasSuffix(t, p) {
			return true
		}
	}
	// A short line without a sentence's end is a title ("隐私政策",
	// "我们不会出售您的个人信息"), not the start of a wrapped paragraph.
	if len([]rune(t)) <= shortLineRunes {
		return true
	}
	_, ok := numbering(t)
	return ok && len([]rune(t)) <= maxTitleRunes
}

// shortLineRunes is the longest unpunctuated line taken as a title.
const shortLineRunes = 30
